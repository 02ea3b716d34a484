//! Python's string and rounding semantics, as `vaderSentiment` 3.3.2 relies
//! on them under CPython 3.11 (Unicode 14): `str.split()`/`str.strip()`
//! whitespace, `str.strip(string.punctuation)`, `str.isupper()`,
//! `str.lower()` and `round(x, n)`.
//!
//! What lives here is only the emulation of those built-ins; the method's
//! rules are in the parent module.

/// Whether Python counts `c` as whitespace (`str.isspace`, which
/// `str.split()` and `str.strip()` use): Unicode `White_Space` plus the
/// ASCII information separators U+001C–U+001F (bidirectional class B or S).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `text.strip()`.
pub(crate) fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// `text.split()`: the runs of non-whitespace.
pub(crate) fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_space).filter(|t| !t.is_empty())
}

/// `SentiText._strip_punc_if_word`: `token.strip(string.punctuation)`
/// unless that leaves two characters or fewer (then the token as it is,
/// punctuation and all: `":)"`, but also `"ok!"`).
pub(crate) fn strip_punctuation_if_word(token: &str) -> &str {
    let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
    // Two characters take at most 8 bytes; more than 8 bytes may still be
    // two characters (at most 4 bytes each), so count those.
    let short = stripped.len() <= 2 || (stripped.len() <= 8 && stripped.chars().nth(2).is_none());
    if short {
        token
    } else {
        stripped
    }
}

/// Titlecase letters (general category Lt, unchanged since Unicode 4):
/// Python's `isupper` is false for a string that has one.
fn is_titlecase(c: char) -> bool {
    matches!(c,
        '\u{1c5}' | '\u{1c8}' | '\u{1cb}' | '\u{1f2}'
        | '\u{1f88}'..='\u{1f8f}'
        | '\u{1f98}'..='\u{1f9f}'
        | '\u{1fa8}'..='\u{1faf}'
        | '\u{1fbc}' | '\u{1fcc}' | '\u{1ffc}')
}

/// `word.isupper()`: at least one uppercase character and no lowercase or
/// titlecase one.
pub(crate) fn is_upper(word: &str) -> bool {
    if word.is_ascii() {
        let b = word.as_bytes();
        return b.iter().any(u8::is_ascii_uppercase) && !b.iter().any(u8::is_ascii_lowercase);
    }
    let mut cased = false;
    for c in word.chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// Appends `word.lower()` to `out`: full Unicode lowercase mapping with the
/// final-sigma rule, as CPython's `str.lower` does.
pub(crate) fn push_lower(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&word.to_lowercase());
    }
}

/// `word.lower()`.
pub(crate) fn lower(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    push_lower(word, &mut s);
    s
}

/// Python's `round(x, digits)` for a float: the decimal with `digits`
/// places nearest to the exact binary value of `x`, ties to even, read
/// back as the nearest double. `digits` is 0 to 15.
pub(crate) fn round(x: f64, digits: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits.clamp(0, 15)); // exact up to 10^15
    let a = x.abs();
    let y = a * scale;
    if y >= 4_503_599_627_370_496.0 {
        // 2^52: y is a whole number already.
        return x;
    }
    let floor = y.floor();
    let frac = y - floor; // exact (Sterbenz)
                          // The exact product is y + err with |err| ≤ ulp(y)/2 ≤ y·ε: only a
                          // fraction within that of one half needs the exact residual.
    let n = if (frac - 0.5).abs() > y * f64::EPSILON {
        if frac > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        let err = a.mul_add(scale, -y); // a·scale − y, exact
        let d = frac - 0.5; // exact: frac is within [0.25, 1)
        if d > -err {
            floor + 1.0
        } else if d < -err || floor % 2.0 == 0.0 {
            floor
        } else {
            floor + 1.0
        }
    };
    // n and scale are exact, so the quotient is the double nearest the
    // decimal, as `float(repr)` gives it.
    (n / scale).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_pythons() {
        // Source: CPython 3.11.7, [hex(c) for c in range(0x110000) if chr(c).isspace()]
        let python: &[u32] = &[
            0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000,
            0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
            0x2029, 0x202f, 0x205f, 0x3000,
        ];
        let ours: Vec<u32> = (0..0x11_0000u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_space(c))
            .map(u32::from)
            .collect();
        assert_eq!(ours, python);
        assert_eq!(
            split("a\u{1f}b\u{3000}c\u{200b}d  ").collect::<Vec<_>>(),
            ["a", "b", "c\u{200b}d"]
        );
        assert_eq!(strip("\u{85} x \u{a0}"), "x");
    }

    #[test]
    fn punctuation_is_stripped_from_words_only() {
        // Source: SentiText._strip_punc_if_word in vaderSentiment 3.3.2.
        assert_eq!(strip_punctuation_if_word("good!!"), "good");
        assert_eq!(strip_punctuation_if_word("\"(great)\""), "great");
        assert_eq!(strip_punctuation_if_word(":)"), ":)");
        assert_eq!(strip_punctuation_if_word("ok!"), "ok!");
        assert_eq!(strip_punctuation_if_word("..."), "...");
        assert_eq!(strip_punctuation_if_word("«bon»"), "«bon»");
        assert_eq!(strip_punctuation_if_word("!éé!"), "!éé!");
        assert_eq!(strip_punctuation_if_word("!ééé!"), "ééé");
        assert_eq!(strip_punctuation_if_word("!😀😀!"), "!😀😀!");
        assert_eq!(strip_punctuation_if_word("can't"), "can't");
    }

    #[test]
    fn isupper_is_pythons() {
        // Source: CPython 3.11.7 str.isupper.
        for (w, up) in [
            ("GOOD", true),
            ("GOOD!", true),
            ("Good", false),
            ("123", false),
            ("A1", true),
            ("ÉTÉ", true),
            ("ÉtÉ", false),
            ("ǅ", false),
            ("Aǅ", false),
            ("ΣΑΣ", true),
            ("日本", false),
            ("", false),
            ("ⓐ", false),
            ("Ⓐ", true),
        ] {
            assert_eq!(is_upper(w), up, "{w}");
        }
    }

    #[test]
    fn lower_is_pythons() {
        // Source: CPython 3.11.7 str.lower.
        assert_eq!(lower("GREAT"), "great");
        assert_eq!(lower("ΟΔΟΣ"), "οδος");
        assert_eq!(lower("İ"), "i\u{307}");
        assert_eq!(lower("\u{212a}IND"), "kind");
        assert_eq!(lower("ÉTÉ"), "été");
    }

    #[test]
    fn round_is_pythons() {
        // Source: CPython 3.11.7, round(x, 2|3|4) of these doubles.
        let cases = [
            (0.125, 2, 0.12),
            (0.375, 2, 0.38),
            (2.675, 2, 2.67),
            (0.03125, 4, 0.0312),
            (0.09375, 4, 0.0938),
            (0.46875, 4, 0.4688),
            (-0.03125, 4, -0.0312),
            (0.0005, 3, 0.001),
            (0.00015, 4, 0.0001),
            (0.99995, 4, 1.0),
            (1.0 / 3.0, 4, 0.3333),
            (0.09375, 3, 0.094),
            (0.5, 0, 0.0),
            (1.5, 0, 2.0),
            (2.5, 0, 2.0),
        ];
        for (x, d, want) in cases {
            assert_eq!(round(x, d), want, "round({x}, {d})");
        }
        assert!(round(f64::NAN, 3).is_nan());
        assert_eq!(round(1e300, 4), 1e300);
    }
}
