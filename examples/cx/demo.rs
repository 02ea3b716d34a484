//! `cx demo`.
pub fn run(_argv: &[String]) -> u8 {
    0
}
