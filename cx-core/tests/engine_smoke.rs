use cx_core::engine::{Engine, Query};
use cx_core::plan::Plan;

const PLAN: &str = include_str!("../../examples/data/plan.json");

#[test]
fn smoke() {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let text = br#"{"id":"r1","at":"2026-03-01T10:00:00Z","segment":"families","touchpoint":"claims","team":"north","nps":9,"csat":5,"ces":6,"attributes":{"wait-time":4,"claim-speed":0}}
{"id":"r2","at":"2026-03-02","segment":"seniors","nps":3,"csat":2,"ces":2,"dimensions":{"region":"west"}}
{"kind":"employee","at":"2026-03-02","team":"north","enps":8,"satisfaction":{"workload":3}}
{"kind":"audit","at":"2026-03-03","method":"mysteryShopper","team":"north","items":[{"rule":"rule-polite","outcome":"fail"},{"rule":"rule-name","outcome":"pass"}]}
{"kind":"kpi","metric":"customers","period":{"start":"2026-03-01","end":"2026-03-31"},"value":1000}
{"kind":"kpi","metric":"retainedCustomers","period":{"start":"2026-03-01","end":"2026-03-31"},"value":900}
{"at":"2026-03-02","nps":12}
"#;
    let r = e.ingest_json_lines(text);
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    let card = e.query(&Query::default()).unwrap();
    println!("{}", serde_json::to_string_pretty(&card).unwrap());
    let q: Query =
        serde_json::from_str(r#"{"groupBy":["segment","period:isoWeek"],"metrics":["nps"]}"#)
            .unwrap();
    println!("{}", serde_json::to_string(&e.query(&q).unwrap()).unwrap());
    let snap = e.snapshot();
    let e2 = Engine::restore(serde_json::from_str(&serde_json::to_string(&snap).unwrap()).unwrap())
        .unwrap();
    assert_eq!(e2.query(&Query::default()).unwrap(), card);
}
