//! Mergeable sufficient statistics and the scores computed from them.
