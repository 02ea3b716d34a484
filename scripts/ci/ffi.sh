#!/usr/bin/env bash
# The C surface: build libcx_ffi, check include/cx.h for drift and against
# Cargo's version, write cx.pc, compile the header as C and C++, then build
# every C test in cx-ffi/tests/c/ against the shared and the static library
# and run it plainly, under Valgrind and with ASan/UBSan; finally build and
# run examples/c/ when it exists.
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

section "ffi: pkg-config file (cx.pc)"
sed -e "s|@PREFIX@|$ROOT|" -e "s|@LIBDIR@|$LIB_DIR|" -e "s|@INCLUDEDIR@|$ROOT/include|" \
    -e "s|@VERSION@|$version|" -e "s|@LIBS_PRIVATE@|$NATIVE_LIBS|" \
    cx-ffi/cx.pc.in > "$OUT/pkgconfig/cx.pc"
export PKG_CONFIG_PATH="$OUT/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
[ "$(pkg-config --modversion cx)" = "$version" ] || die "pkg-config --modversion cx"
step "$OUT/pkgconfig/cx.pc: $(pkg-config --cflags --libs cx)"
# shellcheck disable=SC2207
PC_CFLAGS=($(pkg-config --cflags cx))
# shellcheck disable=SC2207
PC_LIBS=($(pkg-config --libs cx))
# shellcheck disable=SC2206
STATIC_LIBS=("$LIB_DIR/libcx_ffi.a" $NATIVE_LIBS)

section "ffi: header compiles as C11 and as C++17 (twice included, extern \"C\")"
gcc "${CFLAGS[@]}" -fsyntax-only -x c include/cx.h
g++ -std=c++17 -pedantic -Werror -Wall -Wextra "${PC_CFLAGS[@]}" \
  cx-ffi/tests/cpp/header.cpp "${STATIC_LIBS[@]}" -o "$OUT/bin/header_cpp"
"$OUT/bin/header_cpp"

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

tests=(cx-ffi/tests/c/*.c)
section "ffi: C tests (${#tests[@]}) — shared, static, Valgrind, ASan+UBSan"
VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full
          --errors-for-leak-kinds=definite,indirect)
for src in "${tests[@]}"; do
  name="$(basename "$src" .c)"
  gcc "${CFLAGS[@]}" "${PC_CFLAGS[@]}" "$src" "${PC_LIBS[@]}" \
    -Wl,-rpath,"$LIB_DIR" -o "$OUT/bin/$name.shared"
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
      -Wl,-rpath,"$LIB_DIR" -o "$OUT/bin/example_$name"
    step "examples/c/$name.c"
    (cd examples/c && "$OUT/bin/example_$name")
  done
else
  step "no examples/c/*.c yet: skipped"
fi
if [ -f examples/c/CMakeLists.txt ] && command -v cmake >/dev/null; then
  cmake -S examples/c -B "$OUT/cmake" -DCMAKE_PREFIX_PATH="$OUT" >/dev/null
  cmake --build "$OUT/cmake"
fi
