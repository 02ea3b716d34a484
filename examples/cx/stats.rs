//! `cx stats …` (owned by the scores work).

/// Runs `cx stats`.
pub fn run(_argv: &[String]) -> u8 {
    eprintln!("cx stats: not available yet");
    2
}
