//! Version constants, exported to C as the `CX_VERSION_MAJOR/MINOR/PATCH`
//! macros of `include/cx.h`.
//!
//! cbindgen only turns *literal* constants into `#define`s, so the values are
//! literals here, and a compile-time assertion checks each one against
//! Cargo's version: bumping the version in `Cargo.toml` without updating
//! them fails the build. `scripts/ci/ffi.sh` checks the header against Cargo
//! too.

/// Major version of the library (`CARGO_PKG_VERSION_MAJOR`).
pub const CX_VERSION_MAJOR: u32 = 0;
/// Minor version of the library (`CARGO_PKG_VERSION_MINOR`).
pub const CX_VERSION_MINOR: u32 = 1;
/// Patch version of the library (`CARGO_PKG_VERSION_PATCH`).
pub const CX_VERSION_PATCH: u32 = 0;

const _: () = assert!(
    CX_VERSION_MAJOR == parse_u32(env!("CARGO_PKG_VERSION_MAJOR")),
    "CX_VERSION_MAJOR differs from the version in Cargo.toml"
);
const _: () = assert!(
    CX_VERSION_MINOR == parse_u32(env!("CARGO_PKG_VERSION_MINOR")),
    "CX_VERSION_MINOR differs from the version in Cargo.toml"
);
const _: () = assert!(
    CX_VERSION_PATCH == parse_u32(env!("CARGO_PKG_VERSION_PATCH")),
    "CX_VERSION_PATCH differs from the version in Cargo.toml"
);

/// Parses a decimal version component at compile time.
const fn parse_u32(s: &str) -> u32 {
    let bytes = s.as_bytes();
    assert!(!bytes.is_empty(), "empty version component");
    let mut value: u32 = 0;
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i].is_ascii_digit(), "non-digit in version component");
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    value
}
