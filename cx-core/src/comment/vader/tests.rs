//! One test per rule of the method. Source of every figure: vaderSentiment
//! 3.3.2 under CPython 3.11.7, `SentimentIntensityAnalyzer().polarity_scores(text)`
//! as `[compound, pos, neu, neg]` (for the overrides, after
//! `analyzer.lexicon.update({...})` with the same entries).

use std::collections::BTreeMap;

use super::*;

/// Asserts the scores of each text (exact: both sides are the same
/// rounded doubles).
fn check(vader: &Vader, cases: &[(&str, [f64; 4])]) {
    for (text, want) in cases {
        let p = vader.polarity_scores(text);
        assert_eq!([p.compound, p.pos, p.neu, p.neg], *want, "{text:?}");
    }
}

#[test]
fn negation_flips_and_dampens() {
    check(
        Vader::standard(),
        &[
            ("The crew was good", [0.4404, 0.492, 0.508, 0.0]),
            ("The crew was not good", [-0.3412, 0.0, 0.624, 0.376]),
            ("The crew wasn't good", [-0.3412, 0.0, 0.555, 0.445]),
            ("The crew was never good", [-0.3412, 0.0, 0.624, 0.376]),
            ("not the best crew", [-0.5216, 0.0, 0.471, 0.529]),
            ("no good", [-0.3412, 0.0, 0.294, 0.706]),
            ("no problem", [0.3089, 0.693, 0.307, 0.0]),
            ("no", [-0.296, 0.0, 0.0, 1.0]),
            ("no comment", [-0.296, 0.0, 0.312, 0.688]),
            // Quirk 5: `no` scores 0, then counts as negative for caps.
            ("NO problem", [0.1343, 0.566, 0.0, 0.434]),
            ("no no good", [-0.1326, 0.357, 0.189, 0.454]),
        ],
    );
}

#[test]
fn but_shifts_the_weight_to_what_follows() {
    check(
        Vader::standard(),
        &[
            (
                "The food was good, but the crew was rude",
                [-0.4678, 0.151, 0.541, 0.309],
            ),
            (
                "The food was good but the crew was rude",
                [-0.4678, 0.151, 0.541, 0.309],
            ),
            ("good good but good", [0.775, 0.886, 0.114, 0.0]),
            // list.index (quirk 8): `lol` (1.8) is halved to 0.9, then
            // `okay` (0.9) finds it first and halves it again, staying 0.9
            // itself (without the quirk: 0.5024).
            ("lol but okay", [0.3291, 0.77, 0.23, 0.0]),
        ],
    );
}

#[test]
fn capitals_and_boosters_intensify() {
    check(
        Vader::standard(),
        &[
            ("The crew was GOOD", [0.5622, 0.548, 0.452, 0.0]),
            ("THE CREW WAS GOOD", [0.4404, 0.492, 0.508, 0.0]),
            ("The crew was VERY good", [0.6028, 0.495, 0.505, 0.0]),
            ("The crew was kind of good", [0.3832, 0.343, 0.657, 0.0]),
        ],
    );
}

#[test]
fn punctuation_emphasises() {
    check(
        Vader::standard(),
        &[
            ("The crew was good!", [0.4926, 0.516, 0.484, 0.0]),
            ("The crew was good!!!!!!", [0.6209, 0.576, 0.424, 0.0]),
            ("The crew was good?", [0.4404, 0.492, 0.508, 0.0]),
            ("The crew was good??", [0.504, 0.521, 0.479, 0.0]),
            ("The crew was good????", [0.594, 0.563, 0.437, 0.0]),
            ("ok!", [0.0, 0.0, 1.0, 0.0]),
        ],
    );
}

#[test]
fn idioms_least_and_never_so() {
    check(
        Vader::standard(),
        &[
            ("That lunch was the bomb", [0.6124, 0.5, 0.5, 0.0]),
            ("The bomb went off", [-0.4939, 0.0, 0.484, 0.516]),
            ("this queue is the kiss of death", [-0.6124, 0.0, 0.5, 0.5]),
            (
                "it was the kiss of death for us",
                [-0.6124, 0.0, 0.545, 0.455],
            ),
            ("at least the crew was good", [0.4404, 0.367, 0.633, 0.0]),
            ("the least good crew", [-0.3412, 0.0, 0.555, 0.445]),
            ("the crew was the least good", [-0.3412, 0.0, 0.675, 0.325]),
            ("never so good", [0.5777, 0.652, 0.348, 0.0]),
            ("never this good", [0.5228, 0.628, 0.372, 0.0]),
            // Quirk 6: any `so`/`this` right before, at distance three.
            ("the crew so good", [0.5777, 0.555, 0.445, 0.0]),
            ("the crew was this good", [0.5228, 0.458, 0.542, 0.0]),
            ("it was the very least good", [0.4902, 0.389, 0.611, 0.0]),
            // The first idiom in `onezero, twoonezero, twoone, threetwoone,
            // threetwo` order wins: `the bomb`, not `bus stop`.
            ("bus stop the bomb", [0.4215, 0.488, 0.244, 0.268]),
        ],
    );
}

#[test]
fn emoji_and_emoticons_are_words() {
    check(
        Vader::standard(),
        &[
            ("The crew 😁", [0.4588, 0.333, 0.667, 0.0]),
            ("The crew😁", [0.4588, 0.333, 0.667, 0.0]),
            ("😁", [0.4588, 0.429, 0.571, 0.0]),
            // Quirk 1: a space before a description, none after.
            ("😀😀 great 😀", [0.891, 0.795, 0.205, 0.0]),
            ("😀ok", [0.3612, 0.714, 0.286, 0.0]),
            ("ok😀", [0.5719, 0.825, 0.175, 0.0]),
            ("💘", [0.6369, 0.677, 0.323, 0.0]),
            ("👍🏽", [0.0, 0.0, 1.0, 0.0]),
            ("🔛 the crew was good", [0.4926, 0.39, 0.61, 0.0]),
            (":)", [0.4588, 1.0, 0.0, 0.0]),
            ("good :D", [0.7865, 1.0, 0.0, 0.0]),
        ],
    );
}

#[test]
fn empty_blank_and_odd_texts_score_without_panic() {
    check(
        Vader::standard(),
        &[
            ("", [0.0; 4]),
            ("   ", [0.0; 4]),
            ("\u{7}", [0.0, 0.0, 1.0, 0.0]),
        ],
    );
    let v = Vader::standard();
    for text in [
        "\u{0}\u{1}\u{1f}",
        "e\u{301}\u{301}\u{301}",
        "🏳️‍🌈👨‍👩‍👧‍👦🇬🇧",
        "!".repeat(10_000).as_str(),
        "but ".repeat(5_000).as_str(),
        "ΣΣ İİ ǅǅ \u{10d50}",
    ] {
        let p = v.polarity_scores(text);
        for x in [p.compound, p.pos, p.neu, p.neg] {
            assert!(
                x.is_finite() && (-1.0..=1.0).contains(&x),
                "{text:?}: {p:?}"
            );
        }
    }
    // 5,000 words, one `but` (the heap path of the but check); Python:
    // {'neg': 0.381, 'neu': 0.384, 'pos': 0.235, 'compound': -1.0}.
    let long = "the crew was very good but the delay was awful ".repeat(500);
    check(v, &[(long.as_str(), [-1.0, 0.235, 0.384, 0.381])]);
    // 200,000 words: quickly, with the same shares.
    let p = v.polarity_scores(&long.repeat(40));
    assert_eq!(
        [p.compound, p.pos, p.neu, p.neg],
        [-1.0, 0.235, 0.384, 0.381]
    );
}

#[test]
fn overrides_add_and_replace_words() {
    let overrides = BTreeMap::from([
        ("delay".to_owned(), -1.8),
        ("AGES".to_owned(), -1.5),
        ("très".to_owned(), 0.0),
        ("Bien".to_owned(), 2.0),
        ("terrible".to_owned(), 1.0),
    ]);
    let v = Vader::with_overrides(&overrides);
    check(
        &v,
        &[
            ("the delay was terrible", [-0.2023, 0.294, 0.294, 0.412]),
            ("the claim took ages", [-0.3612, 0.0, 0.545, 0.455]),
            ("très bien", [0.4588, 0.75, 0.25, 0.0]),
            ("Très BIEN service", [0.5766, 0.651, 0.349, 0.0]),
            ("the crew was good", [0.4404, 0.492, 0.508, 0.0]),
        ],
    );
    // The standard analyser is unchanged.
    check(
        Vader::standard(),
        &[
            ("the delay was terrible", [-0.6597, 0.0, 0.27, 0.73]),
            ("the claim took ages", [0.0, 0.0, 1.0, 0.0]),
            ("très bien", [0.0, 0.0, 1.0, 0.0]),
        ],
    );
    assert_eq!(v.valence("ages"), Some(-1.5));
    assert_eq!(v.valence("good"), Some(1.9));
    assert_eq!(Vader::standard().valence("ages"), None);
}

#[test]
fn an_overridden_booster_stays_a_booster_with_no_valence_of_its_own() {
    // Python: analyzer.lexicon.update({"very": 2.0}); "very" still scores 0
    // (quirk 4), and, being a lexicon word now, no longer boosts `good`.
    let v = Vader::with_overrides(&BTreeMap::from([("very".to_owned(), 2.0)]));
    check(
        &v,
        &[
            ("very", [0.0, 0.0, 1.0, 0.0]),
            ("very good", [0.4404, 0.744, 0.256, 0.0]),
        ],
    );
}

#[test]
fn overrides_are_clamped_to_finite_valences() {
    let v = Vader::with_overrides(&BTreeMap::from([
        ("huge".to_owned(), f64::MAX),
        ("tiny".to_owned(), f64::MIN),
        ("nan".to_owned(), f64::NAN),
    ]));
    assert_eq!(v.valence("huge"), Some(MAX_OVERRIDE_VALENCE));
    assert_eq!(v.valence("tiny"), Some(-MAX_OVERRIDE_VALENCE));
    assert_eq!(v.valence("nan"), Some(0.0));
    let p = v.polarity_scores(&"HUGE huge!!!! ".repeat(10_000));
    assert_eq!([p.compound, p.pos, p.neu, p.neg], [1.0, 1.0, 0.0, 0.0]);
}

#[test]
fn the_analyser_is_shareable() {
    fn shareable<T: std::fmt::Debug + Clone + Send + Sync>() {}
    shareable::<Vader>();
    let a = std::thread::spawn(|| Vader::standard().polarity_scores("great!"));
    let b = Vader::standard().polarity_scores("great!");
    assert_eq!(a.join().ok(), Some(b));
    assert!(format!("{:?}", Vader::standard()).contains("words: 7506"));
}

#[test]
fn the_indexed_but_check_is_pythons() {
    // Lists with many repeated values (both zeros), `but` anywhere: the
    // heap version must scale exactly the entries Python's list.index does.
    let values = [0.0, -0.0, 1.9, -1.9, 0.95, 2.85, -0.74, 3.1, 1.425];
    let mut seed = 20u64;
    for round in 0..300 {
        let n = 1 + round % 150;
        let list: Vec<f64> = (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                values[(seed >> 33) as usize % values.len()]
            })
            .collect();
        let bi = (seed >> 40) as usize % n;
        let (mut a, mut b) = (list.clone(), list);
        but_check_linear(&mut a, bi);
        but_check_indexed(&mut b, bi);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b), "round {round}, but at {bi}");
    }
}
