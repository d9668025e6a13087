# Shared by the scripts/fuzz-* scripts (sourced, not run).
#   GEARSPEC_FUZZ_BUILD       sanitizer build dir   (default build-fuzz/)
#   GEARSPEC_FUZZ_FAST_BUILD  no-sanitizer build dir (default build-fuzz-fast/)
#   GEARSPEC_FUZZ_SOURCE      CMake source dir       (default: the repository root)
set -euo pipefail
GEARSPEC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ_BUILD="${GEARSPEC_FUZZ_BUILD:-$GEARSPEC_ROOT/build-fuzz}"
FUZZ_FAST_BUILD="${GEARSPEC_FUZZ_FAST_BUILD:-$GEARSPEC_ROOT/build-fuzz-fast}"
FUZZ_SOURCE="${GEARSPEC_FUZZ_SOURCE:-$GEARSPEC_ROOT}"
CORPUS="$GEARSPEC_ROOT/corpus"
FUZZ_JOBS="${GEARSPEC_JOBS:-$(nproc)}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# The fuzz targets: every folder of corpus/ that has a built <name>_fuzzer.
fuzz_targets() {
  local build="$1" d
  for d in "$CORPUS"/*/; do
    d="$(basename "$d")"
    [[ "$d" == regressions ]] && continue
    [[ -x "$build/fuzz/${d}_fuzzer" ]] && echo "$d"
  done
  return 0
}

# fuzz_configure <dir> <sanitize ON|OFF>: clang build of the fuzzers only.
fuzz_configure() {
  local dir="$1" sanitize="$2"
  if [[ ! -f "$dir/build.ninja" ]]; then
    CC=clang CXX=clang++ cmake -S "$FUZZ_SOURCE" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DGEARSPEC_BUILD_FUZZERS=ON -DGEARSPEC_SANITIZE="$sanitize" -DGEARSPEC_BUILD_TESTS=OFF \
      -DGEARSPEC_BUILD_BENCH=OFF >/dev/null
  fi
}

# Content-hash name, as libFuzzer's -merge names its outputs.
sha1_of() { sha1sum "$1" | cut -c1-40; }
