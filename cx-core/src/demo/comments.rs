//! The demo's comments: about a third of the customer responses carry a
//! comment in English, built from templates and vocabulary so that the
//! texts vary (several hundred distinct ones in the default demo).
//!
//! A comment follows its response: detractors complain, promoters praise,
//! passives mix the two with "but". What they complain about follows the
//! planted weaknesses: the vital process (claim settlement speed) above
//! all when the response is about it, and even more when its vital
//! attribute was rated low; being kept informed and ownership for the weak
//! team (its rules are `rule-inform` and `rule-own`); otherwise the
//! response's own touchpoint. Some comments carry an emoji, a few are in
//! capitals, some use negation, and a rare one is about rudeness.
//!
//! Every draw comes from the response's own random stream
//! ([`stream`]), never from the generator's: the demo's ratings, dates and
//! ids are the same with or without comments.

use super::Rng;

/// Mixed into the seed of each response's comment stream.
const STREAM: u64 = 0x5EED_C033_E475_0020;

/// The random stream of the comment of response `index` of the demo with
/// `seed`.
pub(super) fn stream(seed: u64, index: u64) -> Rng {
    Rng(seed ^ STREAM ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// What a comment is about (what the customer complains of, or praises).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Speed,
    Informed,
    Ownership,
    Phone,
    Billing,
    Branch,
    Onboarding,
    Rudeness,
}

/// What the comment of one response depends on.
#[derive(Debug, Clone, Copy)]
pub(super) struct Context {
    /// The response's NPS rating, if any.
    pub nps: Option<u8>,
    /// The position of its touchpoint in the plan's processes (0
    /// onboarding, 1 claims, 2 billing, 3 contact centre, 4 branch in the
    /// sample plan).
    pub touchpoint: usize,
    /// True when the touchpoint is the vital process.
    pub vital_process: bool,
    /// True when the vital attribute was rated 1 or 2.
    pub vital_low: bool,
    /// True when the response is about the weak team.
    pub weak_team: bool,
}

/// Complaints, by topic. `{w}` weeks, `{m}` months, `{min}` minutes, `{n}`
/// a small count.
fn complaints(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Speed => &[
            "My claim took forever to settle",
            "{w} weeks and still no payout",
            "The payout was delayed again and again",
            "Settling a simple claim should not take {m} months",
            "Slow, slow, slow. {w} weeks for a burst pipe",
            "Still waiting for my claim to be settled after {w} weeks",
            "The claim dragged on for {m} months",
            "Far too slow to pay out on a straightforward claim",
        ],
        Topic::Informed => &[
            "Nobody called back when they said they would",
            "I heard nothing for {w} weeks",
            "No updates unless I chased them",
            "I had to keep chasing for news",
            "Nobody kept me informed about my claim",
            "I was never told what was happening",
        ],
        Topic::Ownership => &[
            "I was passed around between departments",
            "Transferred {n} times and I had to explain everything again",
            "No one took ownership of my case",
            "Every call I had to start again with someone new",
            "Nobody takes responsibility for anything",
        ],
        Topic::Phone => &[
            "{min} minutes on hold",
            "The hold music drove me mad, {min} minutes of it",
            "Impossible to get through on the phone",
            "The queue on the phone line was endless",
            "I waited {min} minutes to speak to someone",
        ],
        Topic::Billing => &[
            "My premium went up with no explanation",
            "I was overcharged and the refund took ages",
            "The bill is impossible to understand",
            "They took the direct debit twice",
            "The price keeps going up every year",
        ],
        Topic::Branch => &[
            "No appointment available for {w} weeks",
            "The branch opening hours don't suit anyone who works",
            "No parking anywhere near the branch",
            "The waiting room at the branch was packed",
        ],
        Topic::Onboarding => &[
            "The cover options were confusing",
            "Setting up the policy took far too long",
            "Too much paperwork to get started",
        ],
        Topic::Rudeness => &[
            "The agent was rude and hung up on me",
            "Condescending and rude on the phone",
            "I was shouted at by the adviser",
            "Rude staff, I felt insulted",
        ],
    }
}

/// Praise, by topic (the topics customers praise).
fn praise(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Speed => &[
            "Claim settled in {d} days, impressive",
            "Paid out quickly, no fuss",
            "The payout came faster than I expected",
        ],
        Topic::Informed => &[
            "They kept me posted at every step",
            "Regular updates, I always knew where things stood",
            "{name} called back exactly when promised",
        ],
        Topic::Phone => &[
            "Got through on the phone straight away",
            "Answered in under a minute",
        ],
        Topic::Branch => &[
            "The branch staff were lovely",
            "Easy to get an appointment at the branch",
        ],
        _ => &[
            "The adjuster was very helpful",
            "Friendly and knowledgeable staff",
            "{name} was patient and professional",
            "A very helpful agent sorted everything",
            "Great service, thank you",
            "Excellent, I would recommend you to anyone",
            "Easy, fast and friendly",
            "Really good experience overall",
        ],
    }
}

/// Openers and closers around a detractor's complaint.
const ANGRY_OPENERS: [&str; 5] = [
    "",
    "Very disappointed. ",
    "Not happy at all. ",
    "Honestly? ",
    "Terrible experience. ",
];
const ANGRY_CLOSERS: [&str; 6] = [
    ".",
    "!",
    "!!!",
    ". Never again.",
    ". I am not renewing.",
    ". Not good enough.",
];
const NEGATIVE_EMOJI: [&str; 4] = [" 😡", " 😞", " 👎", " 😤"];
const POSITIVE_EMOJI: [&str; 4] = [" 👍", " 🙂", " ❤️", " 😊"];
/// Kind words for the people, before a "but".
const KIND_WORDS: [&str; 6] = [
    "The adjuster was friendly",
    "The staff were polite",
    "{name} on the phone was lovely",
    "The agent tried her best",
    "Nice people",
    "The adviser was helpful",
];
const NAMES: [&str; 6] = ["Sam", "Priya", "Tom", "Ana", "Mehdi", "Julie"];

/// The comment of a response, or `None` (about two in three responses have
/// none).
pub(super) fn comment(rng: &mut Rng, c: &Context) -> Option<String> {
    let p = match c.nps {
        Some(0..=6) => 0.55,
        Some(7 | 8) => 0.25,
        Some(_) => 0.3,
        None => 0.2,
    };
    if !rng.chance(p) {
        return None;
    }
    let text = match c.nps {
        Some(0..=6) => detractor(rng, c),
        Some(7 | 8) | None => passive(rng, c),
        Some(_) => promoter(rng, c),
    };
    Some(text)
}

/// The topic a customer complains of.
fn complaint_topic(rng: &mut Rng, c: &Context) -> Topic {
    let at = |pos: usize, w: f64| if c.touchpoint == pos { w } else { 0.1 };
    let speed = if c.vital_process { 3.0 } else { 0.3 } + if c.vital_low { 3.0 } else { 0.0 };
    let team = if c.weak_team { 1.6 } else { 0.3 };
    let weights = [
        (Topic::Speed, speed),
        (Topic::Informed, team),
        (Topic::Ownership, team * 0.8),
        (Topic::Phone, at(3, 2.0)),
        (Topic::Billing, at(2, 2.0)),
        (Topic::Branch, at(4, 2.0)),
        (Topic::Onboarding, at(0, 2.0)),
        (Topic::Rudeness, 0.08),
    ];
    pick(rng, &weights)
}

/// Picks by weight (the first when every weight is 0).
fn pick<T: Copy>(rng: &mut Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.uniform() * total;
    for &(v, w) in items {
        if x < w {
            return v;
        }
        x -= w;
    }
    items[0].0
}

/// One of `list`.
fn one<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len())]
}

/// A detractor's comment: one or two complaints, sometimes in capitals,
/// with an emoji or a closing word.
fn detractor(rng: &mut Rng, c: &Context) -> String {
    let first = complaint_topic(rng, c);
    let mut text = phrase(rng, complaints(first));
    if rng.chance(0.3) {
        let second = complaint_topic(rng, c);
        if second != first {
            let more = phrase(rng, complaints(second));
            text = format!("{text}. And {}", lower_first(&more));
        }
    }
    if rng.chance(0.2) {
        // Kind words for the person, but not for the process.
        let kind = phrase(rng, &KIND_WORDS);
        text = format!("{kind}, but {}", lower_first(&text));
    }
    if rng.chance(0.07) {
        text = text.to_uppercase();
    }
    let opener = one(rng, &ANGRY_OPENERS);
    let closer = one(rng, &ANGRY_CLOSERS);
    let emoji = if rng.chance(0.15) {
        one(rng, &NEGATIVE_EMOJI)
    } else {
        ""
    };
    format!("{opener}{text}{closer}{emoji}")
}

/// A passive's comment: praise but a complaint, or a lukewarm word.
fn passive(rng: &mut Rng, c: &Context) -> String {
    let topic = complaint_topic(rng, c);
    let complaint = phrase(rng, complaints(topic));
    match rng.below(4) {
        0 | 1 => {
            let good = if rng.chance(0.5) {
                phrase(rng, &KIND_WORDS)
            } else {
                phrase(rng, praise(Topic::Onboarding))
            };
            format!("{good}, but {}.", lower_first(&complaint))
        }
        2 => format!("OK overall. {complaint}."),
        _ => format!("Not bad, not great. {complaint}."),
    }
}

/// A promoter's comment: praise, sometimes two, with an emoji.
fn promoter(rng: &mut Rng, c: &Context) -> String {
    let topic = match (c.touchpoint, rng.below(3)) {
        (1, 0) => Topic::Speed,
        (1, 1) => Topic::Informed,
        (3, 0) => Topic::Phone,
        (4, 0) => Topic::Branch,
        _ => Topic::Onboarding,
    };
    let mut text = phrase(rng, praise(topic));
    if rng.chance(0.25) {
        let more = phrase(rng, praise(Topic::Onboarding));
        text = format!("{text}. {more}");
    }
    if rng.chance(0.1) {
        // Negated complaints read as praise.
        text = format!("{text}. No complaints at all");
    }
    let end = if rng.chance(0.3) { "!" } else { "." };
    let emoji = if rng.chance(0.2) {
        one(rng, &POSITIVE_EMOJI)
    } else {
        ""
    };
    format!("{text}{end}{emoji}")
}

/// One of the templates of `list`, filled.
fn phrase(rng: &mut Rng, list: &[&str]) -> String {
    let template = one(rng, list);
    fill(rng, template)
}

/// Fills a template's slots with numbers and names.
fn fill(rng: &mut Rng, template: &str) -> String {
    let mut out = template.to_string();
    for (slot, low, span) in [
        ("{w}", 2, 9),
        ("{m}", 2, 5),
        ("{min}", 20, 60),
        ("{n}", 3, 4),
        ("{d}", 2, 6),
    ] {
        if out.contains(slot) {
            out = out.replace(slot, &(low + rng.below(span)).to_string());
        }
    }
    if out.contains("{name}") {
        out = out.replace("{name}", one(rng, &NAMES));
    }
    out
}

/// `text` with its first letter lowercased, unless the word is in
/// capitals ("I", "OK") or is a name.
fn lower_first(text: &str) -> String {
    let mut words = text.splitn(2, ' ');
    let first = words.next().unwrap_or_default();
    let keep = first.len() == 1 && first != "A"
        || first.chars().skip(1).any(char::is_uppercase)
        || NAMES.iter().any(|n| first.starts_with(n));
    let head = if keep {
        first.to_string()
    } else {
        first.to_lowercase()
    };
    match words.next() {
        Some(rest) => format!("{head} {rest}"),
        None => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_first_keeps_i_capitals_and_names() {
        assert_eq!(lower_first("The claim"), "the claim");
        assert_eq!(lower_first("I waited"), "I waited");
        assert_eq!(lower_first("A very helpful agent"), "a very helpful agent");
        assert_eq!(lower_first("OK then"), "OK then");
        assert_eq!(lower_first("Priya was kind"), "Priya was kind");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn fill_leaves_no_slot() {
        let mut rng = Rng(1);
        for t in ["{w} {m} {min} {n} {d} {name}", "none"] {
            let s = fill(&mut rng, t);
            assert!(!s.contains('{'), "{s}");
        }
    }

    #[test]
    fn pick_follows_the_weights() {
        let mut rng = Rng(3);
        let picks: Vec<u8> = (0..1000)
            .map(|_| pick(&mut rng, &[(0, 0.0), (1, 1.0)]))
            .collect();
        assert!(picks.iter().all(|&p| p == 1));
        assert_eq!(pick(&mut rng, &[(5, 0.0)]), 5);
        let mut counts = [0u32; 3];
        for _ in 0..4000 {
            counts[pick(&mut rng, &[(0usize, 1.0), (1, 1.0), (2, 2.0)])] += 1;
        }
        assert!(counts[0].abs_diff(1000) < 150, "{counts:?}");
        assert!(counts[1].abs_diff(1000) < 150, "{counts:?}");
        assert!(counts[2].abs_diff(2000) < 150, "{counts:?}");
    }

    #[test]
    fn the_stream_of_a_response_is_its_own() {
        let a = stream(7, 1).next_u64();
        assert_eq!(a, stream(7, 1).next_u64());
        assert_ne!(a, stream(7, 2).next_u64());
        assert_ne!(a, stream(8, 1).next_u64());
    }
}
