//! Theme matching (issue #20, item 3): whole words, case after Unicode
//! lowercasing, phrases across any whitespace, a trailing `*`, and
//! punctuation, emoji and apostrophes as boundaries.

use cx_core::comment::themes::ThemeMatcher;
use cx_core::plan::Theme;

fn theme(id: &str, terms: &[&str]) -> Theme {
    Theme {
        id: id.into(),
        terms: terms.iter().map(|s| (*s).into()).collect(),
        ..Theme::default()
    }
}

/// The plan indexes of the themes `text` mentions.
fn matched(themes: &[Theme], text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    ThemeMatcher::new(themes).matches(text, &mut out);
    out
}

/// True when a theme of `terms` is mentioned in `text`.
fn found(terms: &[&str], text: &str) -> bool {
    matched(&[theme("t", terms)], text) == [0]
}

#[test]
fn terms_match_whole_words_only() {
    assert!(found(&["late"], "The bus was late."));
    assert!(found(&["late"], "late"));
    assert!(!found(&["late"], "the latest bus"));
    assert!(!found(&["late"], "chocolate"));
    assert!(!found(&["late"], "plates"));
    assert!(!found(&["wait"], "awaited"));
    assert!(found(&["wait"], "a wait, then another"));
    // Digits and `_` are word characters.
    assert!(!found(&["late"], "late2"));
    assert!(!found(&["late"], "_late"));
    assert!(found(&["24"], "call back in 24 hours"));
    assert!(!found(&["24"], "call back in 240 hours"));
}

#[test]
fn a_term_that_is_a_prefix_of_other_words_needs_its_own_occurrence() {
    assert!(!found(&["late"], "latest, lateral, lately"));
    assert!(found(&["late"], "latest, lateral, lately, late"));
}

#[test]
fn case_is_ignored_after_unicode_lowercasing() {
    assert!(found(&["Delay"], "DELAY"));
    assert!(found(&["delay"], "DeLaY!"));
    // Accented letters lowercase with their accents, and stay distinct from
    // unaccented ones.
    assert!(found(&["café"], "CAFÉ was cold"));
    assert!(found(&["ÉCOLE"], "une école"));
    assert!(!found(&["cafe"], "café"));
    assert!(!found(&["café"], "cafe"));
}

#[test]
fn german_sharp_s_stays_as_rust_lowercases_it() {
    // "STRASSE" lowercases to "strasse", "Straße" to "straße": two words.
    assert!(found(&["straße"], "Die STRAßE war gesperrt"));
    assert!(found(&["Straße"], "straße"));
    assert!(found(&["strasse"], "STRASSE"));
    assert!(!found(&["straße"], "STRASSE"));
    assert!(!found(&["strasse"], "Straße"));
    // Capital ẞ lowercases to ß.
    assert!(found(&["straße"], "STRAẞE"));
}

#[test]
fn turkish_dotted_capital_i_lowercases_with_a_combining_dot() {
    // "İ" lowercases to "i" + U+0307: a term written with "İ" matches the
    // same word in capitals; the dot is part of the word.
    assert!(found(&["İstanbul"], "İSTANBUL flight"));
    // "İZMİR" has two: "izmir" and "İzmir" differ from it.
    assert!(found(&["İZMİR"], "i\u{307}zmi\u{307}r"));
    assert!(!found(&["İzmir"], "İZMİR"));
    assert!(found(&["İstanbul"], "i\u{307}stanbul"));
    assert!(!found(&["istanbul"], "İSTANBUL"));
    // The combining dot does not split the word.
    assert!(!found(&["stanbul"], "İSTANBUL"));
    // Dotless ı is its own letter, and "I" lowercases to "i" (no Turkish
    // tailoring).
    assert!(found(&["ılık"], "ılık deniz"));
    assert!(!found(&["ılık"], "ILIK deniz"));
    assert!(found(&["ilik"], "ILIK deniz"));
}

#[test]
fn greek_final_sigma_matches_the_medial_form() {
    // "ΟΔΟΣ".to_lowercase() ends with final sigma ς.
    assert!(found(&["οδος"], "ΟΔΟΣ ΚΛΕΙΣΤΗ"));
    assert!(found(&["ΟΔΟΣ"], "η οδος"));
    assert!(found(&["οδοσ"], "οδος"));
    assert!(found(&["καθυστέρηση"], "ΜΕΓΑΛΗ ΚΑΘΥΣΤΈΡΗΣΗ"));
}

#[test]
fn a_combining_mark_belongs_to_the_word() {
    let decomposed = "cafe\u{301} au lait";
    assert!(!found(&["cafe"], decomposed));
    assert!(found(&["cafe\u{301}"], decomposed));
    assert!(found(&["lait"], decomposed));
}

#[test]
fn phrases_match_across_any_run_of_whitespace() {
    let t = ["long wait"];
    assert!(found(&t, "a long wait"));
    assert!(found(&t, "a long   wait"));
    assert!(found(&t, "a long\twait"));
    assert!(found(&t, "a long\nwait"));
    assert!(found(&t, "a long\r\n \t wait"));
    assert!(found(&t, "a LONG\u{a0}WAIT")); // no-break space
    assert!(found(&["long  \t wait"], "long wait"));
    assert!(!found(&t, "a longwait"));
    assert!(!found(&t, "a long-wait"));
    assert!(!found(&t, "a long, wait"));
    assert!(!found(&t, "a long waiting"));
    assert!(!found(&t, "along wait"));
    assert!(found(&["customer service"], "Customer\n\nService was rude"));
}

#[test]
fn a_trailing_star_matches_any_run_of_word_characters() {
    let t = ["delay*"];
    assert!(found(&t, "delay"));
    assert!(found(&t, "delays"));
    assert!(found(&t, "DELAYED!"));
    assert!(found(&t, "delay_2"));
    // Whitespace around a term is not part of it.
    assert!(found(&[" delay*\t"], "delays"));
    assert!(found(&t, "delayé"));
    assert!(!found(&t, "undelayed"));
    assert!(!found(&t, "dela"));
    // The run stops at a boundary, and the match is whole.
    assert!(found(&t, "delayed's"));
    assert!(found(&t, "(delayed)"));
    // In a phrase, the star applies to the last word only.
    assert!(found(&["long wait*"], "long waiting"));
    assert!(!found(&["long* wait"], "longer wait"));
    assert!(found(&["long* wait"], "long* wait"));
}

#[test]
fn punctuation_next_to_words_is_a_boundary() {
    for text in [
        "late.",
        "late,",
        "(late)",
        "\"late\"",
        "late!",
        "late?",
        "late;",
        "late:",
        "[late]",
        "@late",
        "#late",
        "-late-",
        "late/slow",
        "…late…",
        "«late»",
        "late’s",
        "late's",
    ] {
        assert!(found(&["late"], text), "{text:?}");
    }
}

#[test]
fn apostrophes_split_words() {
    assert!(found(&["staff"], "the staff's attitude"));
    assert!(found(&["staff"], "the staff’s attitude"));
    assert!(found(&["don"], "I don't know"));
    assert!(!found(&["dont"], "I don't know"));
    assert!(found(&["don't"], "I DON'T know"));
}

#[test]
fn terms_with_inner_punctuation_match_literally() {
    assert!(found(&["wi-fi"], "The Wi-Fi dropped"));
    assert!(!found(&["wi-fi"], "The wifi dropped"));
    assert!(!found(&["wi-fi"], "The wi fi dropped"));
    assert!(found(&["e-mail"], "no e-mail, no call"));
    assert!(!found(&["e-mail"], "see-mail"));
    assert!(found(&["#fail"], "total #FAIL"));
    assert!(!found(&["#fail"], "abc#fail"));
}

#[test]
fn emoji_next_to_words_are_boundaries() {
    assert!(found(&["late"], "late😡"));
    assert!(found(&["late"], "😡late😡"));
    assert!(found(&["late"], "👍🏽late"));
    assert!(found(&["love"], "love❤️it"));
    assert!(!found(&["great service"], "great 😀 service"));
    assert!(found(&["😡"], "so late 😡"));
}

#[test]
fn overlapping_themes_are_each_reported_once_in_plan_order() {
    let themes = [
        theme("speed", &["slow", "delay*"]),
        theme("wait", &["long wait", "wait*"]),
        theme("staff", &["staff", "agent*"]),
        theme("delay", &["delay"]),
    ];
    assert_eq!(
        matched(&themes, "Delay after delay, a long wait and a slow agent"),
        [0, 1, 2, 3]
    );
    assert_eq!(matched(&themes, "delayed, waiting"), [0, 1]);
    assert_eq!(matched(&themes, "nothing to say"), Vec::<u32>::new());
    // The matcher appends: what `out` held stays.
    let mut out = vec![7];
    ThemeMatcher::new(&themes).matches("staff", &mut out);
    assert_eq!(out, [7, 2]);
}

#[test]
fn empty_text_terms_and_plans_match_nothing() {
    assert!(matched(&[], "late").is_empty());
    assert!(!found(&["late"], ""));
    assert!(!found(&[""], "late"));
    assert!(!found(&["   "], "late"));
    assert!(!found(&["*"], "late"));
    assert!(!found(&[], "late"));
    assert!(!found(&["late"], " \n\t "));
}

#[test]
fn odd_characters_do_not_panic() {
    let texts = [
        "\u{0}\u{1}\u{7f}late\u{85}",
        "e\u{301}\u{301}\u{301}",
        "\u{301}late",
        "👨‍👩‍👧‍👦late",
        "\u{200b}late\u{200b}",
        "\u{feff}late",
        "ǅ ǈ ΐ ﬃ İ",
    ];
    let themes = [
        theme("a", &["late", "ﬃ*", "ΐ", "late*"]),
        theme("b", &["\u{301}", "e\u{301}"]),
    ];
    for t in texts {
        let _ = matched(&themes, t);
    }
    assert_eq!(matched(&themes, "\u{0}\u{1}\u{7f}late\u{85}"), [0]);
    // The zero-width space is not a word character.
    assert_eq!(matched(&themes, "\u{200b}late\u{200b}"), [0]);
}

#[test]
fn a_huge_text_is_matched_in_one_pass_per_term() {
    // 2 MB of near misses, then the one real mention.
    let mut text = "latest plates chocolate lately ".repeat(64 * 1024);
    text.push_str("late");
    let started = std::time::Instant::now();
    assert!(found(&["late"], &text));
    assert!(!found(&["late"], &text[..text.len() - 4]));
    // A long run of whitespace in a phrase and a long prefix run.
    let spaces = format!("long{}wait", " ".repeat(1 << 20));
    assert!(found(&["long wait"], &spaces));
    let word = format!("delay{}", "s".repeat(1 << 20));
    assert!(found(&["delay*"], &word));
    assert!(!found(&["delay"], &word));
    assert!(started.elapsed().as_secs() < 20);
}
