#!/usr/bin/env bash
# The C surface: build libcx_ffi, check include/cx.h for drift and against
# Cargo's version, install the library into a temporary prefix the way C
# users do (`cargo cinstall`, cargo-c from scripts/ci/setup.sh) and check
# the install, compile the header as C and C++,
# then build every C test in cx-ffi/tests/c/ against the installed shared
# and static library (through pkg-config) and run it plainly, under Valgrind
# and with ASan/UBSan; finally build and run examples/c/ with gcc and with
# CMake.
#
# CX_UPDATE_HEADER=1 rewrites include/cx.h instead of failing on drift.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LIB_DIR="$TARGET_DIR/release"
OUT="$TARGET_DIR/c"                 # everything this script writes
mkdir -p "$OUT/bin" "$OUT/pkgconfig"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -O1)
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

section "ffi: build libcx_ffi (release)"
# The native libraries a static link needs (TOOLCHAIN pitfall 12). rustc
# prints them only when it actually compiles, so keep a known-good list.
NATIVE_LIBS="$(cargo rustc -p cx-ffi --release --locked --crate-type staticlib \
    -- --print native-static-libs 2>&1 \
  | sed -n 's/.*native-static-libs: //p' | tail -1)"
NATIVE_LIBS="${NATIVE_LIBS:--lgcc_s -lutil -lrt -lpthread -lm -ldl -lc}"
cargo build -p cx-ffi --release --locked
step "static link needs: $NATIVE_LIBS"
ls -l "$LIB_DIR/libcx_ffi.a" "$LIB_DIR/libcx_ffi.so"

section "ffi: include/cx.h is what cbindgen $(cbindgen --version | cut -d' ' -f2) generates"
generated="$OUT/cx.h"
# `const _: () = assert!(…)` items (compile-time checks) are not exported.
cbindgen --config cx-ffi/cbindgen.toml --crate cx-ffi --output "$generated" cx-ffi \
  2> >(grep -v "Skip cx-ffi::_ - (not \`pub\`)" >&2)
if [ "${CX_UPDATE_HEADER:-0}" = 1 ]; then
  cp "$generated" include/cx.h
  step "include/cx.h rewritten (CX_UPDATE_HEADER=1)"
elif ! diff -u include/cx.h "$generated"; then
  die "include/cx.h is out of date; run: CX_UPDATE_HEADER=1 bash scripts/ci/ffi.sh"
else
  step "no drift"
fi

section "ffi: version macros equal the Cargo version"
version="$(cargo_version)"
header_macro() { sed -n "s/^#define CX_VERSION_$1 \([0-9][0-9]*\)$/\1/p" include/cx.h; }
header_version="$(header_macro MAJOR).$(header_macro MINOR).$(header_macro PATCH)"
[ "$header_version" = "$version" ] \
  || die "include/cx.h says $header_version, Cargo.toml says $version"
step "CX_VERSION_* = $header_version = Cargo $version"

# Runs a test program; it must exit 0 and end with "N passed, 0 failed".
run_test() {
  local label="$1"; shift
  step "$label"
  local log="$OUT/last-test.log"
  if ! "$@" > "$log" 2>&1; then
    cat "$log"; die "$label failed"
  fi
  cat "$log"
  tail -n 1 "$log" | grep -Eq '^[0-9]+ passed, 0 failed$' \
    || die "$label: no final 'N passed, 0 failed' line"
}

section "ffi: install into a temporary prefix (cargo cinstall layout)"
# What a C user gets from `cargo cinstall -p cx-ffi --prefix=PREFIX`
# ([package.metadata.capi] in cx-ffi/Cargo.toml): PREFIX/include/cx.h,
# PREFIX/lib/libcx.{so,a}, PREFIX/lib/pkgconfig/cx.pc naming PREFIX. Every C
# build below uses this install, through pkg-config only.
PREFIX="$(mktemp -d "${TMPDIR:-/tmp}/cx-prefix.XXXXXX")"
trap 'rm -rf "$PREFIX"' EXIT
cinstall_log="$OUT/cinstall.log"
cargo_c_wait
command -v cargo-cinstall >/dev/null \
  || die "cargo-c is missing (cargo cinstall): run scripts/ci/setup.sh"
step "$(cargo cinstall --version 2>&1 | head -1)"
if ! cargo cinstall -p cx-ffi --release --locked --prefix "$PREFIX" --libdir lib \
     > "$cinstall_log" 2>&1; then
  grep -v '^ *[0-9]*: \|^ *at ' "$cinstall_log" | tail -n 20 >&2
  die "cargo cinstall -p cx-ffi failed (full log: $cinstall_log)"
fi
(cd "$PREFIX" && find . -type f -o -type l | sort | sed 's|^\./|    |')
for f in include/cx.h lib/libcx.a lib/libcx.so "lib/libcx.so.$version" lib/pkgconfig/cx.pc; do
  [ -e "$PREFIX/$f" ] || die "the install lacks $f"
done
cmp -s include/cx.h "$PREFIX/include/cx.h" || die "the installed cx.h is not include/cx.h"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
[ "$(pkg-config --modversion cx)" = "$version" ] || die "pkg-config --modversion cx"
[ "$(pkg-config --variable=prefix cx)" = "$PREFIX" ] || die "cx.pc's prefix is not $PREFIX"
if grep -nF -e "$TARGET_DIR" -e "$ROOT" "$PREFIX/lib/pkgconfig/cx.pc"; then
  die "cx.pc points into the build tree"
fi
step "cx.pc: $(pkg-config --cflags --libs cx)"
# shellcheck disable=SC2207
PC_CFLAGS=($(pkg-config --cflags cx))
# shellcheck disable=SC2207
PC_LIBS=($(pkg-config --libs cx))
# shellcheck disable=SC2206
STATIC_LIBS=("$PREFIX/lib/libcx.a" $NATIVE_LIBS)

section "ffi: a C program built with only pkg-config against the install"
pc_bin="$OUT/bin/installed_version"
# shellcheck disable=SC2046
gcc "${CFLAGS[@]}" cx-ffi/tests/c/test_version.c $(pkg-config --cflags --libs cx) -o "$pc_bin"
LD_LIBRARY_PATH="$PREFIX/lib" ldd "$pc_bin" | grep -F "$PREFIX/lib/libcx.so" \
  || die "the program does not load libcx from $PREFIX/lib"
run_test "test_version (installed, pkg-config only)" env LD_LIBRARY_PATH="$PREFIX/lib" "$pc_bin"

section "ffi: header compiles as C11 and as C++17 (twice included, extern \"C\")"
gcc "${CFLAGS[@]}" -fsyntax-only -x c include/cx.h
g++ -std=c++17 -pedantic -Werror -Wall -Wextra "${PC_CFLAGS[@]}" \
  cx-ffi/tests/cpp/header.cpp "${STATIC_LIBS[@]}" -o "$OUT/bin/header_cpp"
"$OUT/bin/header_cpp"

tests=(cx-ffi/tests/c/*.c)
section "ffi: C tests (${#tests[@]}) — shared, static, Valgrind, ASan+UBSan"
# Definite and indirect leaks are errors, and the only kinds shown: the
# process-wide tables built once (the VADER lexicons, behind a OnceLock)
# live until exit, and a hash table's pointer into the middle of its block
# makes Valgrind call them "possibly lost".
VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full
          --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
for src in "${tests[@]}"; do
  name="$(basename "$src" .c)"
  gcc "${CFLAGS[@]}" "${PC_CFLAGS[@]}" "$src" "${PC_LIBS[@]}" \
    -Wl,-rpath,"$PREFIX/lib" -o "$OUT/bin/$name.shared"
  gcc "${CFLAGS[@]}" "${PC_CFLAGS[@]}" "$src" "${STATIC_LIBS[@]}" -o "$OUT/bin/$name.static"
  gcc "${CFLAGS[@]}" "${SAN[@]}" "${PC_CFLAGS[@]}" "$src" "${STATIC_LIBS[@]}" \
    -o "$OUT/bin/$name.asan"
  run_test "$name (shared)" "$OUT/bin/$name.shared"
  run_test "$name (static)" "$OUT/bin/$name.static"
  run_test "$name (shared, valgrind)" "${VALGRIND[@]}" "$OUT/bin/$name.shared"
  run_test "$name (static, valgrind)" "${VALGRIND[@]}" "$OUT/bin/$name.static"
  run_test "$name (asan+ubsan)" env ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1 "$OUT/bin/$name.asan"
done

section "ffi: examples/c"
if compgen -G "examples/c/*.c" >/dev/null; then
  for src in examples/c/*.c; do
    name="$(basename "$src" .c)"
    gcc "${CFLAGS[@]}" "${PC_CFLAGS[@]}" "$src" "${PC_LIBS[@]}" \
      -Wl,-rpath,"$PREFIX/lib" -o "$OUT/bin/example_$name"
    step "examples/c/$name.c"
    (cd examples/c && "$OUT/bin/example_$name")
  done
else
  step "no examples/c/*.c yet: skipped"
fi
section "ffi: examples/c with CMake (pkg-config, the install)"
command -v cmake >/dev/null || die "cmake is missing: run scripts/ci/setup.sh"
rm -rf "$OUT/cmake"
cmake -S examples/c -B "$OUT/cmake" >/dev/null
cmake --build "$OUT/cmake"
for src in examples/c/*.c; do
  name="$(basename "$src" .c)"
  step "examples/c/$name.c (CMake build)"
  (cd examples/c && "$OUT/cmake/$name")
done
