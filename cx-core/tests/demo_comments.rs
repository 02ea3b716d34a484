//! The demo's comments (issue #20): about a third of the customer
//! responses carry a realistic comment, correlated with the ratings and the
//! planted weaknesses, drawn from a separate random stream so that every
//! other figure of the demo is what it was before comments.

use cx_core::comment::themes::ThemeMatcher;
use cx_core::demo::{generate, DemoConfig};
use cx_core::plan::Plan;
use cx_core::record::Record;

/// FNV-1a, 64 bits.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[test]
fn without_their_comments_the_records_are_those_of_the_demo_before_comments() {
    for (seed, expected) in [(7, 0x92dc_3e9f_1f15_fe0d), (11, 0x137e_31a5_b078_ac52)] {
        let mut data = generate(&DemoConfig {
            seed,
            days: 40,
            ..DemoConfig::default()
        });
        for r in &mut data.records {
            if let Record::Response(r) = r {
                r.comment = None;
            }
        }
        let h = fnv(data.to_json_lines().as_bytes());
        println!("seed {seed}: {h:#x}");
        assert_eq!(h, expected, "seed {seed}");
    }
}

/// The customer responses of the default demo: (NPS, comment).
fn commented() -> Vec<(Option<u8>, Option<String>)> {
    generate(&DemoConfig::default())
        .records
        .into_iter()
        .filter_map(|r| match r {
            Record::Response(r) => Some((r.nps, r.comment)),
            _ => None,
        })
        .collect()
}

#[test]
fn about_a_third_of_the_responses_have_a_varied_comment() {
    let all = commented();
    let texts: Vec<&str> = all.iter().filter_map(|(_, c)| c.as_deref()).collect();
    let share = texts.len() as f64 / all.len() as f64;
    assert!((0.28..0.4).contains(&share), "{share}");
    let distinct: std::collections::BTreeSet<&str> = texts.iter().copied().collect();
    assert!(distinct.len() >= 500, "{} distinct", distinct.len());
    assert!(texts
        .iter()
        .all(|t| !t.trim().is_empty() && t.len() < 1024 && !t.contains('{')));
    let with = |f: &dyn Fn(&str) -> bool| texts.iter().filter(|t| f(t)).count();
    // Emoji, capitals, "but", negation: each in some comments.
    assert!(with(&|t| t.chars().any(|c| c as u32 >= 0x1F300)) > 100);
    assert!(with(&|t| t.len() > 20 && !t.chars().any(char::is_lowercase)) > 20);
    assert!(with(&|t| t.contains(", but ")) > 300);
    assert!(
        with(&|t| t.contains("Not happy") || t.contains("No one") || t.contains("never")) > 100
    );
    // The same seed gives the same comments.
    assert_eq!(all, commented());
}

/// The share (percent) of the comments of each NPS group that mention
/// each theme: (detractors, promoters) per theme id.
fn theme_shares() -> Vec<(String, f64, f64)> {
    let plan = Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
    let matcher = ThemeMatcher::new(&plan.themes);
    let mut counts = vec![(0u32, 0u32); plan.themes.len()];
    let (mut detractors, mut promoters) = (0u32, 0u32);
    let mut found = Vec::new();
    for (nps, text) in commented() {
        let (Some(nps), Some(text)) = (nps, text) else {
            continue;
        };
        found.clear();
        matcher.matches(&text, &mut found);
        let detractor = nps <= 6;
        match nps {
            0..=6 => detractors += 1,
            9 | 10 => promoters += 1,
            _ => continue,
        }
        for &t in &found {
            let c = &mut counts[t as usize];
            if detractor {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    plan.themes
        .iter()
        .zip(counts)
        .map(|(t, (d, p))| {
            let pct = |n: u32, of: u32| f64::from(n) * 100.0 / f64::from(of.max(1));
            (t.id.clone(), pct(d, detractors), pct(p, promoters))
        })
        .collect()
}

#[test]
fn detractors_point_at_the_vital_process_and_the_weak_teams_rules() {
    let shares = theme_shares();
    println!("{shares:?}");
    let of = |id: &str| shares.iter().find(|s| s.0 == id).unwrap().clone();
    // The vital process (claims, claim-speed): the detractors' first theme,
    // far more frequent among them than among promoters.
    let (_, d, p) = of("claim-speed");
    assert!(d > 30.0 && d > 3.0 * p, "claim-speed: {d:.1}% vs {p:.1}%");
    let top = shares.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert_eq!(top.0, "claim-speed", "{shares:?}");
    // (Promoters mention being kept informed too: in praise.)
    for id in ["ownership", "phone-wait", "billing"] {
        let (_, d, p) = of(id);
        assert!(d > 2.0 * p && d > 3.0, "{id}: {d:.1}% vs {p:.1}%");
    }
    // Promoters praise the staff.
    let (_, d, p) = of("helpful-staff");
    assert!(p > 40.0 && p > d, "helpful-staff: {d:.1}% vs {p:.1}%");
    // Rudeness is rare, but there.
    let (_, d, _) = of("rudeness");
    assert!(d > 0.2 && d < 5.0, "rudeness: {d:.1}%");
    // Every theme is mentioned.
    assert!(shares.iter().all(|s| s.1 + s.2 > 0.0), "{shares:?}");
}
