//! `cx validate`, `cx schema`.
pub fn run(_argv: &[String]) -> u8 {
    0
}
/// `cx schema NAME`.
pub fn schema(_argv: &[String]) -> u8 {
    0
}
