//! The syntax of the plan's ids, declared once: [`check_id`] (validation),
//! [`IdSchema`] and [`DimensionIdSchema`] (the JSON Schema of the `id`
//! fields) read the same table of forbidden characters.
//!
//! An id is what observations, queries, mappings and the CLI use to name an
//! entity of the plan, so it must survive being typed, pasted and passed on
//! a command line. Every id of the plan (segments, needs, contact reasons,
//! resources, constraints, facets, goals, processes, attributes, custom
//! dimensions, policies, tangibles, rules, norms, mobilisation, instruments,
//! interventions, benchmarks):
//!
//! - is not empty;
//! - neither starts nor ends with white space (the CLI and CSV trim it;
//!   `"Loyal Customer"`, with a space inside, is fine);
//! - holds no control character (U+0000–U+001F, U+007F–U+009F), no line or
//!   paragraph separator (U+2028, U+2029) and no invisible formatting
//!   character (soft hyphen, zero-width space, joiners, word joiner,
//!   direction marks and embeddings, byte-order mark…, see
//!   [`FORBIDDEN`]): two ids that look the same must be the same;
//! - is in Unicode Normalization Form C (NFC), so that `"é"` typed as one
//!   character and as `e` + combining accent are not two ids.
//!
//! A custom dimension's id is also a query key and a `--cube` item, so it
//! holds no `,` (the CLI's list separator) and no `:` (the separator of
//! `period:month` and other built-in keys). It must not be a standard
//! dimension or a query key either (`segment`, `period`, `auditMethod`…);
//! that rule is `reserved-dimension-id` in [`super::validate`]: a custom
//! dimension never shadows a built-in one.
//!
//! References (a goal's `segment`, a rule's `supports`, a query's
//! `groupBy`, a mapping's attribute) need no syntax of their own: they must
//! name a declared id, which follows this syntax.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

/// Characters an id must not hold, as inclusive ranges: C0 and C1 controls,
/// and the invisible formatting characters (Unicode `Cf` and separators a
/// reader cannot see).
pub const FORBIDDEN: [(char, char, &str); 15] = [
    ('\u{0}', '\u{1F}', "a control character"),
    ('\u{7F}', '\u{9F}', "a control character"),
    ('\u{AD}', '\u{AD}', "a soft hyphen"),
    ('\u{34F}', '\u{34F}', "a combining grapheme joiner"),
    ('\u{61C}', '\u{61C}', "an Arabic letter mark"),
    ('\u{180E}', '\u{180E}', "a Mongolian vowel separator"),
    ('\u{200B}', '\u{200D}', "a zero-width character"),
    ('\u{200E}', '\u{200F}', "a direction mark"),
    ('\u{2028}', '\u{2029}', "a line or paragraph separator"),
    ('\u{202A}', '\u{202E}', "a direction embedding or override"),
    (
        '\u{2060}',
        '\u{2064}',
        "a word joiner or invisible operator",
    ),
    (
        '\u{2066}',
        '\u{206F}',
        "a direction isolate or deprecated format character",
    ),
    (
        '\u{FEFF}',
        '\u{FEFF}',
        "a byte-order mark (zero-width no-break space)",
    ),
    (
        '\u{FFF9}',
        '\u{FFFB}',
        "an interlinear annotation character",
    ),
    ('\u{E0000}', '\u{E007F}', "a tag character"),
];

/// Characters a custom dimension's id must not hold, besides [`FORBIDDEN`].
pub const DIMENSION_SEPARATORS: [char; 2] = [',', ':'];

/// Which syntax an id follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// The id of any entity but a custom dimension.
    Entity,
    /// The id of a custom dimension: an entity id without `,` or `:`.
    Dimension,
}

/// Why an id is refused: [`IdError::message`] says it in the user's words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdError {
    /// The id is empty.
    Empty,
    /// The id starts or ends with white space.
    OuterSpace,
    /// A forbidden character (see [`FORBIDDEN`]) at this character position
    /// (1-based).
    Forbidden {
        /// The character.
        ch: char,
        /// Its 1-based position among the id's characters.
        position: usize,
        /// What it is, in words.
        what: &'static str,
    },
    /// `,` or `:` in a custom dimension's id, at this 1-based position.
    Separator {
        /// The character.
        ch: char,
        /// Its 1-based position among the id's characters.
        position: usize,
    },
    /// The id is not in Unicode Normalization Form C.
    NotNfc,
}

impl IdError {
    /// The reason, to follow "The {kind} id "…"": what is wrong and what is
    /// expected.
    pub fn message(&self) -> String {
        match self {
            IdError::Empty => "is empty; give it a name such as \"loyal-customer\"".into(),
            IdError::OuterSpace => {
                "starts or ends with white space; remove the spaces around it".into()
            }
            IdError::Forbidden { ch, position, what } => format!(
                "holds {what} (U+{:04X}) at character {position}; ids must be visible text",
                u32::from(*ch)
            ),
            IdError::Separator { ch, position } => format!(
                "holds `{ch}` at character {position}; a dimension id cannot hold `,` (it separates --cube items) or `:` (it marks keys such as period:month)"
            ),
            IdError::NotNfc => "is not in Unicode NFC form (a letter and its accent typed as two characters); retype it or normalise it to NFC".into(),
        }
    }
}

/// What a character is when an id must not hold it.
fn forbidden(ch: char) -> Option<&'static str> {
    FORBIDDEN
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&ch))
        .map(|(_, _, what)| *what)
}

/// Checks an id against the syntax of its kind (module doc).
///
/// ```
/// use cx_core::plan::id::{check_id, IdError, IdKind};
/// assert!(check_id("Loyal Customer", IdKind::Entity).is_ok());
/// assert_eq!(check_id("", IdKind::Entity), Err(IdError::Empty));
/// assert!(check_id("a:b", IdKind::Entity).is_ok());
/// assert!(check_id("a:b", IdKind::Dimension).is_err());
/// ```
pub fn check_id(id: &str, kind: IdKind) -> Result<(), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    for (i, ch) in id.chars().enumerate() {
        if let Some(what) = forbidden(ch) {
            return Err(IdError::Forbidden {
                ch,
                position: i + 1,
                what,
            });
        }
        if kind == IdKind::Dimension && DIMENSION_SEPARATORS.contains(&ch) {
            return Err(IdError::Separator {
                ch,
                position: i + 1,
            });
        }
    }
    if id.starts_with(char::is_whitespace) || id.ends_with(char::is_whitespace) {
        return Err(IdError::OuterSpace);
    }
    if !unicode_normalization::is_nfc(id) {
        return Err(IdError::NotNfc);
    }
    Ok(())
}

/// The pattern of an id (what JSON Schema can say: not empty, no forbidden
/// character, no white space at either end; NFC is in the description
/// only), built from [`FORBIDDEN`] and `extra`. No look-around, so every
/// validator reads it; code points past U+FFFF are written `\u{…}`, which
/// needs the `u` flag in JavaScript (Ajv's default).
fn pattern(extra: &[char]) -> String {
    fn escape(c: char) -> String {
        let n = u32::from(c);
        if n > 0xFFFF {
            // Outside the BMP: a `u`-flag escape, one code point.
            format!("\\u{{{n:X}}}")
        } else {
            format!("\\u{n:04X}")
        }
    }
    let mut class = String::new();
    for (lo, hi, _) in FORBIDDEN {
        class.push_str(&escape(lo));
        if hi != lo {
            class.push('-');
            class.push_str(&escape(hi));
        }
    }
    for c in extra {
        class.push_str(&escape(*c));
    }
    format!("^[^\\s{class}]([^{class}]*[^\\s{class}])?$")
}

const ID_DESCRIPTION: &str = "A plan id: not empty, no white space at either end, no control or invisible formatting character (zero-width space, joiners, direction marks, byte-order mark…), in Unicode NFC.";

/// The JSON Schema of an entity id (used with `#[schemars(with = …)]` on
/// every `id` field but a custom dimension's).
pub struct IdSchema;

impl JsonSchema for IdSchema {
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "pattern": pattern(&[]),
            "description": ID_DESCRIPTION,
        })
    }
}

/// The JSON Schema of a custom dimension's id: an [`IdSchema`] without
/// `,` or `:`.
pub struct DimensionIdSchema;

impl JsonSchema for DimensionIdSchema {
    fn schema_name() -> Cow<'static, str> {
        "DimensionId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "pattern": pattern(&DIMENSION_SEPARATORS),
            "description": format!("{ID_DESCRIPTION} A dimension id also holds no `,` (the --cube separator) nor `:` (as in period:month), and is not a standard dimension or query key (segment, touchpoint, channel, team, employee, period, auditMethod, kind)."),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_ranges_are_ordered_and_disjoint() {
        for w in FORBIDDEN.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{w:?}");
        }
    }
}
