use cx_core::analysis::{analyse, AnalysisOptions};
use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::Plan;

#[test]
fn scratch() {
    for seed in [7u64, 42] {
        let plan = Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
        let mut e = Engine::new(plan).unwrap();
        let d = generate(&DemoConfig { seed, ..DemoConfig::default() });
        e.ingest_batch(&d.records);
        let a = analyse(&e, &AnalysisOptions::default()).unwrap();
        println!("seed {seed} planted {:?}", d.planted);
        println!("vital {:?} r2 {:?}", a.vital.method, a.vital.r2);
        for v in &a.vital.attributes { println!("  {} imp {:.2} perf {:.1} {:?} {:?}", v.id, v.importance, v.performance, v.quadrant, v.rank); }
        for p in &a.vital.vital_processes { println!("  proc {} {:.2}", p.id, p.priority); }
        for f in &a.identity.facets { println!("  facet {} {:?} {:?}", f.id, f.tier, f.performance); }
        for i in &a.identity.inversions { println!("  inv {:?} {} < {} {:.1}", i.kind, i.facet, i.above, i.gap); }
        for g in &a.goals { println!("  goal {} cur {:?} {:?} prog {:?} proj {:?} {:?}", g.id, g.current, g.status, g.progress, g.projected, g.reason); }
        for t in &a.compliance.by_team { println!("  team {} {:?} {:?}", t.key, t.score.value, t.rules_below_floor); }
        println!("  employees below: {:?}", a.compliance.by_employee.iter().filter(|x| x.below_floor).map(|x| (&x.key, x.score.value)).collect::<Vec<_>>());
        println!("  link {:?}", a.service_profit_link);
        println!("  nps change {:?}", a.nps_change);
        println!("  recency {:?}", a.recency);
    }
}
