//! The engine's footprint (`Engine::stats`): its `bytes` are the heap the
//! cell store owns, checked against a counting allocator; cells and rows
//! follow what was filed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use cx_core::engine::{Engine, EngineConfig, Limits};
use cx_core::plan::Plan;

/// Counts the bytes live on the heap.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::SeqCst);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const PLAN: &str = include_str!("../../examples/data/plan.json");

/// `n` responses of the realistic shape (6 dimensions, a day of 2026, three
/// attributes of six), from a fixed seed: most land in a cell of their own.
fn lines(n: usize, seed: u64) -> Vec<u8> {
    let mut s = seed;
    let mut next = |m: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) % m
    };
    let segs = ["families", "seniors", "small-business"];
    let tps = [
        "onboarding",
        "claims",
        "billing",
        "contact-centre",
        "branch",
    ];
    let chs = ["online", "phone", "branch"];
    let teams = ["branches", "claims-north", "claims-south", "contact-centre"];
    let attrs = [
        "claim-speed",
        "kept-informed",
        "wait-time",
        "courtesy",
        "one-contact",
        "promise-kept",
    ];
    let mut out = String::new();
    for i in 0..n {
        let team = teams[next(4) as usize];
        let a = next(6) as usize;
        out += &format!(
            "{{\"id\":\"r{i}\",\"at\":\"2026-{:02}-{:02}T{:02}:{:02}:00Z\",\"segment\":\"{}\",\"touchpoint\":\"{}\",\"channel\":\"{}\",\"team\":\"{team}\",\"employee\":\"{team}-{:02}\",\"dimensions\":{{\"region\":\"r{}\"}},\"nps\":{},\"csat\":{},\"ces\":{},\"attributes\":{{\"{}\":{},\"{}\":{}}}}}\n",
            1 + next(12), 1 + next(28), next(24), next(60),
            segs[next(3) as usize], tps[next(5) as usize], chs[next(3) as usize],
            next(50), next(3), next(11), 1 + next(5), 1 + next(7),
            attrs[a], 1 + next(5), attrs[(a + 1) % 6], 1 + next(5),
        );
    }
    out.into_bytes()
}

fn live() -> isize {
    LIVE.load(Ordering::SeqCst)
}

#[test]
fn bytes_are_the_heap_the_cell_store_owns() {
    let config = EngineConfig {
        // No alert is kept: the alert log is not part of the cell store.
        limits: Limits {
            max_alerts_kept: 0,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    let mut e = Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap();
    let (first, second) = (lines(2_000, 1), lines(60_000, 2));
    // A first call sizes the engine's scratch buffers (not the cell store).
    assert_eq!(e.ingest_json_lines(&first).unwrap().rejected, 0);
    let (live0, stats0) = (live(), e.stats());
    let report = e.ingest_json_lines(&second).unwrap();
    assert_eq!(report.accepted, 60_000);
    drop(report);
    let (live1, stats1) = (live(), e.stats());
    let heap = live1 - live0;
    let counted = stats1.bytes as isize - stats0.bytes as isize;
    assert!(
        (heap - counted).abs() <= 4096,
        "the heap grew by {heap} bytes; stats counted {counted}"
    );
    assert_eq!(stats1.rows, 62_000);
    assert!(stats1.cells > 50_000, "{}", stats1.cells);
    // Cells that cost what they hold: far below a dense cell each.
    let per_cell = stats1.bytes / stats1.cells;
    assert!(per_cell < 200, "{per_cell} bytes per cell");

    // Merging counts the same way: an empty engine takes on every cell.
    let before = live();
    let mut copy = e.empty_like();
    copy.merge(&e).unwrap();
    let heap = live() - before;
    let counted = copy.stats().bytes as isize;
    assert!(
        (heap - counted).abs() <= 16 * 1024,
        "the merged engine's heap is {heap} bytes; stats counted {counted}"
    );
    assert_eq!(copy.stats().rows, 62_000);
    assert_eq!(copy.stats().cells, stats1.cells);
}
