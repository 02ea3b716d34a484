//! The VADER sentiment method (Hutto & Gilbert, 2014), as
//! `vaderSentiment` 3.3.2 computes it: a port of its
//! `SentimentIntensityAnalyzer.polarity_scores` that gives the same
//! compound, pos, neu and neg (checked to 1e-4 on the reference set in
//! `cx-core/tests/data/vader/`; see `docs/sentiment.md`).
//!
//! The lexicons are VADER's own (MIT, C.J. Hutto), embedded from
//! `cx-core/data/vader/` and parsed once. The plan's `lexicon` adds or
//! replaces word valences ([`Vader::with_overrides`]).
//!
//! # The quirks reproduced
//!
//! VADER is the reference, so its behaviour is kept where it surprises:
//!
//! 1. Emoji are replaced by their description one code point at a time:
//!    a skin tone, a flag or a ZWJ sequence becomes its parts. A space is
//!    put before a description only when the character before is not an
//!    ASCII space, and none after: `"😁ok"` scores `"beaming face with
//!    smiling eyesok"`. Descriptions count like typed text: 🔛 (`ON!
//!    arrow`) adds an exclamation mark and an ALL-CAPS word.
//! 2. Tokens are split on Python's whitespace (Unicode `White_Space` and
//!    U+001C–U+001F) and lose their leading and trailing ASCII punctuation
//!    unless that leaves two characters or fewer: `"ok!"` stays `"ok!"`,
//!    which is not in the lexicon, while `"good!"` is `"good"`.
//! 3. Words are looked up lowercased, so the lexicon's entries with
//!    capitals (`:D`, `:P`, `O_o`) and with spaces (`fed up`, `can't
//!    stand`) never match; nor does the one-word special case `badass`.
//!    Of duplicated lexicon rows, the later wins (`lol` is 1.8).
//! 4. Booster words score 0 even when the plan's lexicon gives them a
//!    valence, and `kind` (a lexicon word, 2.4) scores 0 before `of`.
//! 5. `no` before a lexicon word scores 0 and negates the next two words
//!    (and the third after `or`/`nor`); a 0 then counts as negative for
//!    the ALL-CAPS increment.
//! 6. Negation is a word of `NEGATE` or any word containing `n't`, up to
//!    three words before; `never so`/`never this` multiply by 1.25, and at
//!    distance three so does any `so` or `this` right before the word
//!    (Python's `and`/`or` precedence).
//! 7. Idioms (`SPECIAL_CASES`) and the `kind of`/`sort of`/`just enough`
//!    dampeners are checked only for a lexicon word at position 3 or later
//!    whose third word back is not a lexicon word; an idiom replaces the
//!    valence, a later-word idiom (`zeroone`) wins over an earlier.
//! 8. `but`: the words before the first `but` are halved and those after
//!    multiplied by 1.5, but each through `list.index`, which scales the
//!    *first* entry equal in value, not the entry itself.
//! 9. Punctuation emphasis counts every `!` (up to 4) and `?` (2–3, or 4+)
//!    of the whole text, words or not.
//! 10. Rounding is Python's `round`: compound to 4 places, the shares to
//!     3, half to even on the exact binary value.
//!
//! Python's string semantics are matched for any text (`pystr`), with one
//! difference left: case (`lower`, `isupper`) follows the Unicode version
//! of Rust's standard library (17 with Rust 1.95), Python 3.11's is 14; the
//! two differ only for characters encoded since (for example the Garay
//! capital U+10D50 lowercases to U+10D70 in Rust, not in Python 3.11).

mod lexicon;
mod pystr;

use std::cell::RefCell;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use self::lexicon::{booster2, negates, special_case, Lexicons, C_INCR, N_SCALAR};
use super::Polarity;

/// The largest valence magnitude an override keeps (VADER's own lie within
/// ±4): larger values are clamped, so no sum of a text can overflow.
pub const MAX_OVERRIDE_VALENCE: f64 = 1_000.0;

/// The VADER analyser: the standard lexicons, and the plan's overrides.
#[derive(Debug, Clone)]
pub struct Vader {
    lexicons: &'static Lexicons,
    /// Lowercased word → valence, looked up before the standard lexicon.
    overrides: FxHashMap<String, f64>,
}

/// One token of a text.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// Its lowercase form: a byte range of [`Scratch::lower`].
    lower: (u32, u32),
    /// Its lexicon valence (`item.lower() in lexicon`).
    valence: Option<f64>,
    /// Its `BOOSTER_DICT` value.
    booster: Option<f64>,
    /// Whether Python's `isupper` holds for it.
    upper: bool,
    /// Whether it negates (`negated([word])`).
    negates: bool,
}

/// Buffers reused from text to text on a thread.
#[derive(Debug, Default)]
struct Scratch {
    /// The text with its emoji replaced.
    text: String,
    /// The tokens' lowercase forms, one after the other.
    lower: String,
    tokens: Vec<Token>,
    sentiments: Vec<f64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The tokens of a text, with their lowercase forms.
struct Words<'a> {
    tokens: &'a [Token],
    lower: &'a str,
}

impl Words<'_> {
    /// The lowercase form of token `i`.
    fn w(&self, i: usize) -> &str {
        let (a, b) = self.tokens[i].lower;
        self.lower.get(a as usize..b as usize).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.tokens.len()
    }
}

impl Vader {
    /// The analyser with VADER's own lexicons (parsed once, shared).
    pub fn standard() -> &'static Vader {
        static STANDARD: std::sync::OnceLock<Vader> = std::sync::OnceLock::new();
        STANDARD.get_or_init(|| Vader {
            lexicons: Lexicons::get(),
            overrides: FxHashMap::default(),
        })
    }

    /// The analyser with the plan's `lexicon`: entries added or replaced
    /// (`word` → valence). Keys are lowercased as VADER lowercases the
    /// words it looks up (when two keys lowercase alike, the later in byte
    /// order wins); a key with whitespace in it can never match a word.
    /// Valences are clamped to ±[`MAX_OVERRIDE_VALENCE`] (a non-number
    /// counts as 0). The standard lexicon is shared, not copied.
    pub fn with_overrides(overrides: &BTreeMap<String, f64>) -> Vader {
        let overrides = overrides
            .iter()
            .map(|(k, &v)| {
                let v = if v.is_nan() {
                    0.0
                } else {
                    v.clamp(-MAX_OVERRIDE_VALENCE, MAX_OVERRIDE_VALENCE)
                };
                (pystr::lower(k), v)
            })
            .collect();
        Vader {
            lexicons: Lexicons::get(),
            overrides,
        }
    }

    /// The valence of a lowercase word (`lexicon[word]`): the override if
    /// there is one, else VADER's.
    pub fn valence(&self, word: &str) -> Option<f64> {
        self.valence_of(word, self.lexicons.words.get(word))
    }

    /// [`Vader::valence`] of `word`, whose standard entry is `entry`.
    fn valence_of(&self, word: &str, entry: Option<&lexicon::Word>) -> Option<f64> {
        if !self.overrides.is_empty() {
            if let Some(&v) = self.overrides.get(word) {
                return Some(v);
            }
        }
        entry.and_then(|e| e.valence)
    }

    /// The scores of `text`, as `vaderSentiment` 3.3.2's `polarity_scores`
    /// gives them (empty or blank text: all zeros).
    pub fn polarity_scores(&self, text: &str) -> Polarity {
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => self.scores(text, &mut s),
            Err(_) => self.scores(text, &mut Scratch::default()),
        })
    }

    /// `polarity_scores` with buffers `s`.
    fn scores(&self, text: &str, s: &mut Scratch) -> Polarity {
        let text = self.replace_emoji(text, &mut s.text);
        let text = pystr::strip(text);
        self.tokenize(text, &mut s.tokens, &mut s.lower);
        let words = Words {
            tokens: &s.tokens,
            lower: &s.lower,
        };
        let n = words.len();
        let uppers = words.tokens.iter().filter(|t| t.upper).count();
        // allcap_differential: some, but not all, words are ALL CAPS.
        let cap_diff = uppers > 0 && uppers < n;
        s.sentiments.clear();
        for i in 0..n {
            let w = words.w(i);
            let v = if words.tokens[i].booster.is_some()
                || (i + 1 < n && w == "kind" && words.w(i + 1) == "of")
            {
                0.0
            } else {
                sentiment_valence(&words, i, cap_diff)
            };
            s.sentiments.push(v);
        }
        if let Some(bi) = (0..n).find(|&i| words.w(i) == "but") {
            but_check(&mut s.sentiments, bi);
        }
        score_valence(&s.sentiments, text)
    }

    /// The text with each one-character emoji replaced by its description,
    /// as `polarity_scores` does it (quirk 1); `text` itself when it has
    /// none.
    fn replace_emoji<'a>(&self, text: &'a str, buf: &'a mut String) -> &'a str {
        let emoji = &self.lexicons.emoji;
        let any = if text.is_ascii() && !self.lexicons.ascii_emoji {
            false
        } else {
            text.chars().any(|c| emoji.contains_key(&c))
        };
        if !any {
            return text;
        }
        buf.clear();
        let mut prev_space = true;
        for c in text.chars() {
            if let Some(d) = emoji.get(&c) {
                if !prev_space {
                    buf.push(' ');
                }
                buf.push_str(d);
                prev_space = false;
            } else {
                buf.push(c);
                prev_space = c == ' ';
            }
        }
        buf
    }

    /// `SentiText(text).words_and_emoticons`, lowercased and looked up.
    fn tokenize(&self, text: &str, tokens: &mut Vec<Token>, lower_buf: &mut String) {
        tokens.clear();
        lower_buf.clear();
        for raw in pystr::split(text) {
            let token = pystr::strip_punctuation_if_word(raw);
            let a = lower_buf.len();
            pystr::push_lower(token, lower_buf);
            let b = lower_buf.len();
            let lower = &lower_buf[a..b];
            // Offsets fit u32 for texts under 4 GiB; beyond, the token is
            // read as empty (no valence), never a panic.
            let range = match (u32::try_from(a), u32::try_from(b)) {
                (Ok(a), Ok(b)) => (a, b),
                _ => (0, 0),
            };
            let entry = self.lexicons.words.get(lower);
            tokens.push(Token {
                lower: range,
                valence: self.valence_of(lower, entry),
                booster: entry.and_then(|e| e.booster),
                upper: pystr::is_upper(token),
                negates: negates(lower, entry),
            });
        }
    }
}

/// `sentiment_valence`: the valence of word `i` after the rules that look
/// at its neighbours (0 for a word not in the lexicon).
fn sentiment_valence(words: &Words, i: usize, cap_diff: bool) -> f64 {
    let t = &words.tokens;
    let Some(base) = t[i].valence else {
        return 0.0;
    };
    let n = words.len();
    let w = |j: usize| words.w(j);
    let mut valence = base;
    if w(i) == "no" && i != n - 1 && t[i + 1].valence.is_some() {
        valence = 0.0;
    }
    if (i > 0 && w(i - 1) == "no")
        || (i > 1 && w(i - 2) == "no")
        || (i > 2 && w(i - 3) == "no" && matches!(w(i - 1), "or" | "nor"))
    {
        valence = base * N_SCALAR;
    }
    if t[i].upper && cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }
    for start in 0..3 {
        if i > start && t[i - (start + 1)].valence.is_none() {
            let mut s = scalar_inc_dec(words, i - (start + 1), valence, cap_diff);
            if start == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, words, start, i);
            if start == 2 {
                valence = special_idioms_check(valence, words, i);
            }
        }
    }
    least_check(valence, words, i)
}

/// `scalar_inc_dec`: what booster word `j` adds to `valence`.
fn scalar_inc_dec(words: &Words, j: usize, valence: f64, cap_diff: bool) -> f64 {
    let Some(mut scalar) = words.tokens[j].booster else {
        return 0.0;
    };
    if valence < 0.0 {
        scalar *= -1.0;
    }
    if words.tokens[j].upper && cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

/// `_negation_check` for the word `start + 1` places before word `i`.
fn negation_check(valence: f64, words: &Words, start: usize, i: usize) -> f64 {
    let w = |j: usize| words.w(j);
    let so_this = |j: usize| matches!(w(j), "so" | "this");
    let negated = |j: usize| words.tokens[j].negates;
    match start {
        0 if negated(i - 1) => valence * N_SCALAR,
        1 if w(i - 2) == "never" && so_this(i - 1) => valence * 1.25,
        1 if w(i - 2) == "without" && w(i - 1) == "doubt" => valence,
        1 if negated(i - 2) => valence * N_SCALAR,
        // `A and (B or C) or (D or E)`: Python's precedence (quirk 6).
        2 if (w(i - 3) == "never" && so_this(i - 2)) || so_this(i - 1) => valence * 1.25,
        2 if w(i - 3) == "without" && (w(i - 2) == "doubt" || w(i - 1) == "doubt") => valence,
        2 if negated(i - 3) => valence * N_SCALAR,
        _ => valence,
    }
}

/// `_special_idioms_check` for word `i` (`i ≥ 3`).
fn special_idioms_check(mut valence: f64, words: &Words, i: usize) -> f64 {
    let w = |j: usize| words.w(j);
    let (w3, w2, w1, w0) = (w(i - 3), w(i - 2), w(i - 1), w(i));
    let sequences: [&[&str]; 5] = [
        &[w1, w0],
        &[w2, w1, w0],
        &[w2, w1],
        &[w3, w2, w1],
        &[w3, w2],
    ];
    if let Some(v) = sequences.iter().find_map(|s| special_case(s)) {
        valence = v;
    }
    let n = words.len();
    if n - 1 > i {
        if let Some(v) = special_case(&[w0, w(i + 1)]) {
            valence = v;
        }
    }
    if n - 1 > i + 1 {
        if let Some(v) = special_case(&[w0, w(i + 1), w(i + 2)]) {
            valence = v;
        }
    }
    // The n-grams [threetwoone, threetwo, twoone]: only two-word boosters
    // exist, so a three-word sequence never matches.
    for (a, b) in [(w3, w2), (w2, w1)] {
        if let Some(v) = booster2(a, b) {
            valence += v;
        }
    }
    valence
}

/// `_least_check`: `least` before word `i` negates it, unless `at least`
/// or `very least`.
fn least_check(valence: f64, words: &Words, i: usize) -> f64 {
    let w = |j: usize| words.w(j);
    let least_before = i > 0 && words.tokens[i - 1].valence.is_none() && w(i - 1) == "least";
    if !least_before || (i > 1 && matches!(w(i - 2), "at" | "very")) {
        valence
    } else {
        valence * N_SCALAR
    }
}

/// `_but_check` with the `list.index` quirk (8): entry `k`'s value `v`
/// scales the first entry equal to `v`. Short texts search the list as
/// Python does; long ones keep, per value, a min-heap of the indices that
/// hold it, so a long comment costs O(n log n), not O(n²).
fn but_check(sentiments: &mut [f64], bi: usize) {
    if sentiments.len() <= 64 {
        but_check_linear(sentiments, bi);
    } else {
        but_check_indexed(sentiments, bi);
    }
}

/// The scaled value of the entry at `si`, or `None` for the `but` itself.
fn but_scaled(v: f64, si: usize, bi: usize) -> Option<f64> {
    match si.cmp(&bi) {
        std::cmp::Ordering::Less => Some(v * 0.5),
        std::cmp::Ordering::Greater => Some(v * 1.5),
        std::cmp::Ordering::Equal => None,
    }
}

/// [`but_check`] as Python runs it.
fn but_check_linear(sentiments: &mut [f64], bi: usize) {
    for k in 0..sentiments.len() {
        let v = sentiments[k];
        let si = sentiments.iter().position(|&x| x == v).unwrap_or(k);
        if let Some(x) = but_scaled(v, si, bi) {
            sentiments[si] = x;
        }
    }
}

/// [`but_check`] with the first index of each value from a min-heap per
/// value (stale entries, whose value has changed since, are dropped when
/// they reach the top).
fn but_check_indexed(sentiments: &mut [f64], bi: usize) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // Python's == : 0.0 and -0.0 are one value.
    let key = |v: f64| if v == 0.0 { 0 } else { v.to_bits() };
    let mut at: FxHashMap<u64, BinaryHeap<Reverse<usize>>> = FxHashMap::default();
    for (i, &v) in sentiments.iter().enumerate() {
        at.entry(key(v)).or_default().push(Reverse(i));
    }
    for k in 0..sentiments.len() {
        let v = sentiments[k];
        let heap = at.entry(key(v)).or_default();
        let si = loop {
            match heap.peek() {
                Some(&Reverse(j)) if sentiments[j] == v => break j,
                Some(_) => {
                    heap.pop();
                }
                None => break k,
            }
        };
        if let Some(x) = but_scaled(v, si, bi) {
            sentiments[si] = x;
            if x != v {
                at.entry(key(x)).or_default().push(Reverse(si));
            }
        }
    }
}

/// `_punctuation_emphasis`: `!` (up to 4) and `?` (2 or 3, or 4+).
fn punctuation_emphasis(text: &str) -> f64 {
    let ep = text.bytes().filter(|&b| b == b'!').count().min(4);
    let qm = text.bytes().filter(|&b| b == b'?').count();
    let qm_amplifier = match qm {
        0 | 1 => 0.0,
        2 | 3 => qm as f64 * 0.18,
        _ => 0.96,
    };
    ep as f64 * 0.292 + qm_amplifier
}

/// `normalize(score, alpha=15)`.
fn normalize(score: f64) -> f64 {
    let norm = score / (score * score + 15.0).sqrt();
    norm.clamp(-1.0, 1.0)
}

/// `score_valence`: the compound and the shares, rounded as Python does.
fn score_valence(sentiments: &[f64], text: &str) -> Polarity {
    if sentiments.is_empty() {
        return Polarity::default();
    }
    let mut sum: f64 = sentiments.iter().fold(0.0, |a, &s| a + s);
    let punct = punctuation_emphasis(text);
    if sum > 0.0 {
        sum += punct;
    } else if sum < 0.0 {
        sum -= punct;
    }
    let compound = normalize(sum);
    // _sift_sentiment_scores
    let (mut pos_sum, mut neg_sum, mut neu) = (0.0f64, 0.0f64, 0u64);
    for &s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += punct;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= punct;
    }
    let total = pos_sum + neg_sum.abs() + neu as f64;
    Polarity {
        compound: pystr::round(compound, 4),
        pos: pystr::round((pos_sum / total).abs(), 3),
        neu: pystr::round((neu as f64 / total).abs(), 3),
        neg: pystr::round((neg_sum / total).abs(), 3),
    }
}

#[cfg(test)]
mod tests;
