//! VADER's data: the word lexicon and the emoji lexicon of
//! `vaderSentiment` 3.3.2 (MIT, C.J. Hutto; `cx-core/data/vader/`), parsed
//! once, and the method's fixed word lists (`NEGATE`, `BOOSTER_DICT`,
//! `SPECIAL_CASES`).

use rustc_hash::FxHashMap;

/// `vader_lexicon.txt`: word, tab, mean valence (the columns the method
/// reads).
const WORDS: &str = include_str!("../../../data/vader/vader_lexicon.txt");
/// `emoji_utf8_lexicon.txt`: emoji, tab, description (the one-character
/// emoji: the method looks emoji up one character at a time).
const EMOJI: &str = include_str!("../../../data/vader/emoji_utf8_lexicon.txt");

/// What the method knows of a lowercase word: one look-up per token.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Word {
    /// `lexicon[word]`: its mean valence (a later duplicate row wins, as in
    /// Python's dict).
    pub(crate) valence: Option<f64>,
    /// `BOOSTER_DICT[word]`.
    pub(crate) booster: Option<f64>,
    /// Whether it is in `NEGATE`.
    pub(crate) negate: bool,
}

/// The parsed lexicons.
pub(crate) struct Lexicons {
    /// Lowercase word → what the method knows of it: the lexicon's words,
    /// the boosters and the negations.
    pub(crate) words: FxHashMap<&'static str, Word>,
    /// Emoji → its description.
    pub(crate) emoji: FxHashMap<char, &'static str>,
    /// Whether some emoji is ASCII (then ASCII text needs the emoji pass).
    pub(crate) ascii_emoji: bool,
}

impl std::fmt::Debug for Lexicons {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicons")
            .field(
                "words",
                &self.words.values().filter(|w| w.valence.is_some()).count(),
            )
            .field("emoji", &self.emoji.len())
            .finish()
    }
}

/// The rows of a tab-separated lexicon as `make_lex_dict` reads them: lines
/// stripped of whitespace, empty ones skipped, the first two fields.
fn rows(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.split('\n')
        .map(super::pystr::strip)
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?))
        })
}

impl Lexicons {
    /// The lexicons, parsed on first use.
    pub(crate) fn get() -> &'static Lexicons {
        static LEXICONS: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
        LEXICONS.get_or_init(Lexicons::parse)
    }

    fn parse() -> Lexicons {
        let mut words: FxHashMap<&'static str, Word> = FxHashMap::default();
        words.reserve(7_700);
        for (w, v) in rows(WORDS) {
            if let Ok(v) = v.parse::<f64>() {
                words.entry(w).or_default().valence = Some(v);
            }
        }
        for &(w, b) in BOOSTERS {
            words.entry(w).or_default().booster = Some(b);
        }
        for &w in NEGATE {
            words.entry(w).or_default().negate = true;
        }
        let mut emoji = FxHashMap::default();
        for (e, d) in rows(EMOJI) {
            let mut cs = e.chars();
            if let (Some(c), None) = (cs.next(), cs.next()) {
                emoji.insert(c, d);
            }
        }
        let ascii_emoji = emoji.keys().any(char::is_ascii);
        Lexicons {
            words,
            emoji,
            ascii_emoji,
        }
    }
}

/// `B_INCR`: a booster's increment.
pub(crate) const B_INCR: f64 = 0.293;
/// `B_DECR`: a dampener's.
pub(crate) const B_DECR: f64 = -0.293;
/// `C_INCR`: an ALL-CAPS word's increment.
pub(crate) const C_INCR: f64 = 0.733;
/// `N_SCALAR`: negation's factor.
pub(crate) const N_SCALAR: f64 = -0.74;

/// `BOOSTER_DICT`'s one-word keys (the two-word ones are [`booster2`]).
const BOOSTERS: &[(&str, f64)] = &[
    ("absolutely", B_INCR),
    ("amazingly", B_INCR),
    ("awfully", B_INCR),
    ("completely", B_INCR),
    ("considerable", B_INCR),
    ("considerably", B_INCR),
    ("decidedly", B_INCR),
    ("deeply", B_INCR),
    ("effing", B_INCR),
    ("enormous", B_INCR),
    ("enormously", B_INCR),
    ("entirely", B_INCR),
    ("especially", B_INCR),
    ("exceptional", B_INCR),
    ("exceptionally", B_INCR),
    ("extreme", B_INCR),
    ("extremely", B_INCR),
    ("fabulously", B_INCR),
    ("flipping", B_INCR),
    ("flippin", B_INCR),
    ("frackin", B_INCR),
    ("fracking", B_INCR),
    ("fricking", B_INCR),
    ("frickin", B_INCR),
    ("frigging", B_INCR),
    ("friggin", B_INCR),
    ("fully", B_INCR),
    ("fuckin", B_INCR),
    ("fucking", B_INCR),
    ("fuggin", B_INCR),
    ("fugging", B_INCR),
    ("greatly", B_INCR),
    ("hella", B_INCR),
    ("highly", B_INCR),
    ("hugely", B_INCR),
    ("incredible", B_INCR),
    ("incredibly", B_INCR),
    ("intensely", B_INCR),
    ("major", B_INCR),
    ("majorly", B_INCR),
    ("more", B_INCR),
    ("most", B_INCR),
    ("particularly", B_INCR),
    ("purely", B_INCR),
    ("quite", B_INCR),
    ("really", B_INCR),
    ("remarkably", B_INCR),
    ("so", B_INCR),
    ("substantially", B_INCR),
    ("thoroughly", B_INCR),
    ("total", B_INCR),
    ("totally", B_INCR),
    ("tremendous", B_INCR),
    ("tremendously", B_INCR),
    ("uber", B_INCR),
    ("unbelievably", B_INCR),
    ("unusually", B_INCR),
    ("utter", B_INCR),
    ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR),
    ("barely", B_DECR),
    ("hardly", B_DECR),
    ("kinda", B_DECR),
    ("kindof", B_DECR),
    ("kind-of", B_DECR),
    ("less", B_DECR),
    ("little", B_DECR),
    ("marginal", B_DECR),
    ("marginally", B_DECR),
    ("occasional", B_DECR),
    ("occasionally", B_DECR),
    ("partly", B_DECR),
    ("scarce", B_DECR),
    ("scarcely", B_DECR),
    ("slight", B_DECR),
    ("slightly", B_DECR),
    ("somewhat", B_DECR),
    ("sorta", B_DECR),
    ("sortof", B_DECR),
    ("sort-of", B_DECR),
];

/// `BOOSTER_DICT[a + " " + b]` for the two-word keys.
pub(crate) fn booster2(a: &str, b: &str) -> Option<f64> {
    matches!((a, b), ("just", "enough") | ("kind", "of") | ("sort", "of")).then_some(B_DECR)
}

/// `SPECIAL_CASES[" ".join(words)]` for the keys of two or three words
/// (the one-word key `badass` never matches a sequence of two or three
/// words).
pub(crate) fn special_case(words: &[&str]) -> Option<f64> {
    Some(match words {
        ["the", "shit"] | ["the", "bomb"] | ["to", "die", "for"] => 3.0,
        ["bad", "ass"] => 1.5,
        ["bus", "stop"] => 0.0,
        ["yeah", "right"] => -2.0,
        ["kiss", "of", "death"] => -1.5,
        ["beating", "heart"] => 3.5,
        _ => return None,
    })
}

/// `NEGATE`.
const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

/// `negated([word])` for a lowercase word of [`Word`] `entry` (if it has
/// one): in `NEGATE`, or contains `n't`.
pub(crate) fn negates(word: &str, entry: Option<&Word>) -> bool {
    entry.is_some_and(|e| e.negate) || (word.as_bytes().contains(&b'\'') && word.contains("n't"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_parse_completely() {
        let l = Lexicons::get();
        // Source: vaderSentiment 3.3.2, len(SentimentIntensityAnalyzer().lexicon)
        // = 7506 (7520 rows, 14 duplicated words), and 1212 one-character
        // emoji in emoji_utf8_lexicon.txt.
        assert_eq!(
            l.words.values().filter(|w| w.valence.is_some()).count(),
            7506
        );
        assert_eq!(l.emoji.len(), 1212);
        assert_eq!(WORDS.lines().filter(|r| !r.is_empty()).count(), 7520);
        assert!(!l.ascii_emoji);
        // Later duplicates win: lexicon["lol"] = 1.8, lexicon["ok"] = 1.2.
        let v = |w: &str| l.words.get(w).and_then(|e| e.valence);
        assert_eq!(v("lol"), Some(1.8));
        assert_eq!(v("ok"), Some(1.2));
        assert_eq!(v("$:"), Some(-1.5));
        assert_eq!(v("good"), Some(1.9));
        assert_eq!(l.emoji[&'😁'], "beaming face with smiling eyes");
        assert_eq!(l.emoji[&'🔛'], "ON! arrow");
    }

    #[test]
    fn word_lists_are_vaders() {
        // Source: BOOSTER_DICT (84 keys, 3 of two words) and NEGATE (59)
        // of vaderSentiment 3.3.2.
        let l = Lexicons::get();
        let w = |s: &str| l.words.get(s).copied().unwrap_or_default();
        assert_eq!(l.words.values().filter(|w| w.booster.is_some()).count(), 81);
        assert_eq!(l.words.values().filter(|w| w.negate).count(), 59);
        assert_eq!(w("very").booster, Some(B_INCR));
        assert_eq!(w("kinda").booster, Some(B_DECR));
        assert_eq!(w("kind of").booster, None);
        // No booster is a lexicon word; `kind` is one.
        assert!(l
            .words
            .values()
            .all(|w| w.booster.is_none() || w.valence.is_none()));
        assert_eq!(w("kind").valence, Some(2.4));
        assert_eq!(booster2("kind", "of"), Some(B_DECR));
        assert_eq!(booster2("just", "enough"), Some(B_DECR));
        assert_eq!(booster2("of", "kind"), None);
        assert_eq!(special_case(&["kiss", "of", "death"]), Some(-1.5));
        assert_eq!(special_case(&["the", "bomb"]), Some(3.0));
        assert_eq!(special_case(&["badass"]), None);
        let neg = |s: &str| negates(s, l.words.get(s));
        assert!(neg("never") && neg("isn't") && neg("wouldn't've") && neg("uh-uh"));
        assert!(neg("despite") && !neg("no") && !neg("least") && !neg("n'"));
    }
}
