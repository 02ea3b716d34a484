//! Matching the plan's themes in a comment (SPEC §2, `themes`).
//!
//! A theme is mentioned when one of its terms occurs in the comment:
//!
//! - **Case**: the text and the terms are lowercased with Rust's full
//!   Unicode mapping ([`str::to_lowercase`]), and the Greek final sigma `ς`
//!   is then read as `σ`. Nothing else is folded: "STRASSE" lowercases to
//!   "strasse" and "Straße" to "straße", which stay different words;
//!   accented and unaccented letters differ ("café" ≠ "cafe"); the Turkish
//!   "İ" lowercases to "i" followed by a combining dot, so a term written
//!   "İstanbul" matches "İSTANBUL" but "istanbul" does not.
//! - **Whole words**: a match must not touch a word character on either
//!   side. A word character is a Unicode letter or digit
//!   ([`char::is_alphanumeric`]), `_`, or a combining diacritical mark
//!   (which belongs to the letter before it, so "cafe" does not match a
//!   decomposed "café"). Apostrophes, `@`, `#`, `-`, punctuation, emoji
//!   and whitespace are boundaries: "staff" matches "staff's", "late" does
//!   not match "latest".
//! - **Phrases**: the whitespace inside a term matches any run of
//!   whitespace in the text (spaces, tabs, line breaks), so "long wait"
//!   matches "long\n  wait".
//! - **Prefixes**: a trailing `*` matches any run of word characters,
//!   possibly empty: "delay*" matches "delay", "delays" and "delayed".
//! - Any other character matches itself, so a term with inner punctuation
//!   ("wi-fi", "e-mail") matches literally. A `*` that does not end the
//!   term is an ordinary character here (validation rejects it), and a
//!   term with nothing but whitespace and `*` matches nothing.
//!
//! The text is lowercased once per comment; each term is then found with
//! the standard library's substring search and checked at its boundaries,
//! so matching is linear in the text for each term.

use crate::plan::Theme;

/// The plan's themes, compiled for matching.
#[derive(Debug, Clone, Default)]
pub struct ThemeMatcher {
    /// Per theme (plan order), its compiled terms.
    themes: Vec<Vec<Term>>,
}

/// One compiled term: its words (lowercased, never empty) and whether the
/// last ends with a prefix `*`.
#[derive(Debug, Clone)]
struct Term {
    words: Vec<String>,
    prefix: bool,
}

impl ThemeMatcher {
    /// Compiles the terms of `themes` (in plan order).
    pub fn new(themes: &[Theme]) -> ThemeMatcher {
        ThemeMatcher {
            themes: themes
                .iter()
                .map(|t| t.terms.iter().filter_map(|s| Term::compile(s)).collect())
                .collect(),
        }
    }

    /// Appends to `out` the index (in plan order) of every theme `text`
    /// mentions, each once, in increasing order.
    pub fn matches(&self, text: &str, out: &mut Vec<u32>) {
        if text.is_empty() || self.themes.iter().all(Vec::is_empty) {
            return;
        }
        let lower = fold_case(text);
        for (i, terms) in self.themes.iter().enumerate() {
            if terms.iter().any(|t| t.occurs_in(&lower)) {
                out.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
    }
}

/// Lowercases `text` (full Unicode mapping) and reads the final sigma as
/// `σ`.
fn fold_case(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.contains('ς') {
        lower.replace('ς', "σ")
    } else {
        lower
    }
}

/// True for a character that continues a word: a letter, a digit, `_`, or
/// a combining diacritical mark.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining_mark(c)
}

/// True for the common blocks of combining marks (diacritical marks and
/// their supplements and extensions, marks for symbols, half marks).
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

impl Term {
    /// Compiles `term`; `None` when it has nothing to match.
    fn compile(term: &str) -> Option<Term> {
        let folded = fold_case(term);
        let trimmed = folded.trim_end();
        let (body, prefix) = match trimmed.strip_suffix('*') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let words: Vec<String> = body.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            None
        } else {
            Some(Term { words, prefix })
        }
    }

    /// True when the term occurs in `text` (already case-folded).
    fn occurs_in(&self, text: &str) -> bool {
        let first = &self.words[0];
        let mut from = 0;
        while let Some(offset) = text[from..].find(first.as_str()) {
            let start = from + offset;
            if !word_char_before(text, start) {
                if let Some(end) = self.rest_at(text, start + first.len()) {
                    if !word_char_at(text, end) {
                        return true;
                    }
                }
            }
            // Next candidate: one character further.
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
        false
    }

    /// Where the term ends when its first word ends at `pos`: the other
    /// words, each after a run of whitespace, then the prefix's word
    /// characters. `None` when the text does not go on so.
    fn rest_at(&self, text: &str, mut pos: usize) -> Option<usize> {
        for word in &self.words[1..] {
            let gap = skip_while(text, pos, char::is_whitespace);
            if gap == pos || !text[gap..].starts_with(word.as_str()) {
                return None;
            }
            pos = gap + word.len();
        }
        if self.prefix {
            pos = skip_while(text, pos, is_word_char);
        }
        Some(pos)
    }
}

/// The byte position after the run of characters from `pos` that satisfy
/// `keep`.
fn skip_while(text: &str, pos: usize, keep: impl Fn(char) -> bool) -> usize {
    text[pos..]
        .char_indices()
        .find(|&(_, c)| !keep(c))
        .map_or(text.len(), |(i, _)| pos + i)
}

/// True when the character ending at byte `pos` is a word character.
fn word_char_before(text: &str, pos: usize) -> bool {
    text[..pos].chars().next_back().is_some_and(is_word_char)
}

/// True when the character starting at byte `pos` is a word character.
fn word_char_at(text: &str, pos: usize) -> bool {
    text[pos..].chars().next().is_some_and(is_word_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(id: &str, terms: &[&str]) -> Theme {
        Theme {
            id: id.into(),
            terms: terms.iter().map(|s| (*s).into()).collect(),
            ..Theme::default()
        }
    }

    fn found(terms: &[&str], text: &str) -> bool {
        let m = ThemeMatcher::new(&[theme("t", terms)]);
        let mut out = Vec::new();
        m.matches(text, &mut out);
        !out.is_empty()
    }

    #[test]
    fn compile_strips_the_prefix_star_and_drops_empty_terms() {
        let t = Term::compile("Long  Wait*").unwrap();
        assert_eq!(t.words, ["long", "wait"]);
        assert!(t.prefix);
        assert!(Term::compile(" * ").is_none());
        assert!(Term::compile("").is_none());
    }

    #[test]
    fn skip_while_and_boundaries() {
        assert_eq!(skip_while("ab  c", 2, char::is_whitespace), 4);
        assert_eq!(skip_while("ab", 2, char::is_whitespace), 2);
        assert!(word_char_before("é1", 2));
        assert!(!word_char_before("-a", 1));
        assert!(!word_char_at("a", 1));
        assert!(is_word_char('\u{0301}') && is_word_char('_') && !is_word_char('\''));
    }

    #[test]
    fn candidates_after_a_rejected_one_are_tried() {
        assert!(found(&["late"], "latest news: late again"));
        assert!(!found(&["late"], "latest, plate, lately"));
    }
}
