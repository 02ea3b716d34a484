fn main() {
    use cx_core::engine::{Engine, Query};
    let plan =
        cx_core::plan::Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
    for seed in [7u64, 42] {
        let d = cx_core::demo::generate(&cx_core::demo::DemoConfig {
            seed,
            ..Default::default()
        });
        let mut e = Engine::new(plan.clone()).unwrap();
        let t = std::time::Instant::now();
        let r = e.ingest_batch(&d.records);
        println!(
            "seed {seed} {:?} records {} accepted {} rejected {} alerts {} in {:?}",
            d.planted,
            r.total,
            r.accepted,
            r.rejected,
            r.alerts.len(),
            t.elapsed()
        );
        let q: Query =
            serde_json::from_str(r#"{"groupBy":["team"],"metrics":["nps","compliance","enps"]}"#)
                .unwrap();
        for row in e.query(&q).unwrap().rows {
            println!(
                "{:?} nps {:?} comp {:?} enps {:?}",
                row.key,
                row.scores["nps"].value,
                row.scores["compliance"].value,
                row.scores["enps"].value
            );
        }
        let card = e.query(&Query::default()).unwrap();
        for (k, s) in &card.rows[0].scores {
            println!("  {k}: {:?} n={}", s.value, s.n);
        }
        let q: Query =
            serde_json::from_str(r#"{"groupBy":["period:month"],"metrics":["nps"]}"#).unwrap();
        for row in e.query(&q).unwrap().rows {
            print!(
                "{:?}={:.1} ",
                row.key.values().next().unwrap(),
                row.scores["nps"].value.unwrap()
            );
        }
        println!();
    }
}
