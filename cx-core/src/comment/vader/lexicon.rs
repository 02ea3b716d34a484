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

/// The parsed lexicons.
pub(crate) struct Lexicons {
    /// Word → mean valence (a later duplicate row wins, as in Python's
    /// dict).
    pub(crate) words: FxHashMap<&'static str, f64>,
    /// Emoji → its description.
    pub(crate) emoji: FxHashMap<char, &'static str>,
    /// Whether some emoji is ASCII (then ASCII text needs the emoji pass).
    pub(crate) ascii_emoji: bool,
}

impl std::fmt::Debug for Lexicons {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicons")
            .field("words", &self.words.len())
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
        let mut words = FxHashMap::default();
        words.reserve(7_600);
        for (w, v) in rows(WORDS) {
            if let Ok(v) = v.parse::<f64>() {
                words.insert(w, v);
            }
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

/// `BOOSTER_DICT[word]` for a one-word key.
pub(crate) fn booster(word: &str) -> Option<f64> {
    Some(match word {
        "absolutely" | "amazingly" | "awfully" | "completely" | "considerable" | "considerably"
        | "decidedly" | "deeply" | "effing" | "enormous" | "enormously" | "entirely"
        | "especially" | "exceptional" | "exceptionally" | "extreme" | "extremely"
        | "fabulously" | "flipping" | "flippin" | "frackin" | "fracking" | "fricking"
        | "frickin" | "frigging" | "friggin" | "fully" | "fuckin" | "fucking" | "fuggin"
        | "fugging" | "greatly" | "hella" | "highly" | "hugely" | "incredible" | "incredibly"
        | "intensely" | "major" | "majorly" | "more" | "most" | "particularly" | "purely"
        | "quite" | "really" | "remarkably" | "so" | "substantially" | "thoroughly" | "total"
        | "totally" | "tremendous" | "tremendously" | "uber" | "unbelievably" | "unusually"
        | "utter" | "utterly" | "very" => B_INCR,
        "almost" | "barely" | "hardly" | "kinda" | "kindof" | "kind-of" | "less" | "little"
        | "marginal" | "marginally" | "occasional" | "occasionally" | "partly" | "scarce"
        | "scarcely" | "slight" | "slightly" | "somewhat" | "sorta" | "sortof" | "sort-of" => {
            B_DECR
        }
        _ => return None,
    })
}

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

/// `negated([word])` for a lowercase word: in `NEGATE`, or contains `n't`.
pub(crate) fn negates(word: &str) -> bool {
    matches!(
        word,
        "aint"
            | "arent"
            | "cannot"
            | "cant"
            | "couldnt"
            | "darent"
            | "didnt"
            | "doesnt"
            | "ain't"
            | "aren't"
            | "can't"
            | "couldn't"
            | "daren't"
            | "didn't"
            | "doesn't"
            | "dont"
            | "hadnt"
            | "hasnt"
            | "havent"
            | "isnt"
            | "mightnt"
            | "mustnt"
            | "neither"
            | "don't"
            | "hadn't"
            | "hasn't"
            | "haven't"
            | "isn't"
            | "mightn't"
            | "mustn't"
            | "neednt"
            | "needn't"
            | "never"
            | "none"
            | "nope"
            | "nor"
            | "not"
            | "nothing"
            | "nowhere"
            | "oughtnt"
            | "shant"
            | "shouldnt"
            | "uhuh"
            | "wasnt"
            | "werent"
            | "oughtn't"
            | "shan't"
            | "shouldn't"
            | "uh-uh"
            | "wasn't"
            | "weren't"
            | "without"
            | "wont"
            | "wouldnt"
            | "won't"
            | "wouldn't"
            | "rarely"
            | "seldom"
            | "despite"
    ) || word.contains("n't")
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
        assert_eq!(l.words.len(), 7506);
        assert_eq!(l.emoji.len(), 1212);
        assert_eq!(WORDS.lines().filter(|r| !r.is_empty()).count(), 7520);
        assert!(!l.ascii_emoji);
        // Later duplicates win: lexicon["lol"] = 1.8, lexicon["ok"] = 1.2.
        assert_eq!(l.words["lol"], 1.8);
        assert_eq!(l.words["ok"], 1.2);
        assert_eq!(l.words["$:"], -1.5);
        assert_eq!(l.words["good"], 1.9);
        assert_eq!(l.emoji[&'😁'], "beaming face with smiling eyes");
        assert_eq!(l.emoji[&'🔛'], "ON! arrow");
    }

    #[test]
    fn word_lists_are_vaders() {
        assert_eq!(booster("very"), Some(B_INCR));
        assert_eq!(booster("kinda"), Some(B_DECR));
        assert_eq!(booster("kind of"), None);
        assert_eq!(booster2("kind", "of"), Some(B_DECR));
        assert_eq!(booster2("just", "enough"), Some(B_DECR));
        assert_eq!(booster2("of", "kind"), None);
        assert_eq!(special_case(&["kiss", "of", "death"]), Some(-1.5));
        assert_eq!(special_case(&["the", "bomb"]), Some(3.0));
        assert_eq!(special_case(&["badass"]), None);
        assert!(negates("never") && negates("isn't") && negates("wouldn't've"));
        assert!(negates("despite") && !negates("no") && !negates("least"));
    }
}
