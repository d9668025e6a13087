#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for gearspec's fuzz targets.
# Honours the engine's environment: $CC $CXX $CFLAGS $CXXFLAGS (with the
# sanitizer and -fsanitize=fuzzer-no-link flags), $LIB_FUZZING_ENGINE (linked
# into each <target>_fuzzer by fuzz/CMakeLists.txt), $SRC, $WORK, $OUT.
# Writes to $OUT: every <target>_fuzzer, <target>_fuzzer_seed_corpus.zip
# (corpus/<target>/ plus corpus/regressions/<target>/), <target>_fuzzer.dict
# and <target>_fuzzer.options.
SRC_DIR="${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
[[ -f "$SRC_DIR/CMakeLists.txt" ]] || SRC_DIR="$SRC_DIR/gearspec"
BUILD="${WORK:-/tmp}/gearspec-oss-fuzz"

# LIB_FUZZING_ENGINE set: the top-level CMakeLists.txt leaves the coverage
# flags to $CFLAGS/$CXXFLAGS, fuzz/CMakeLists.txt links the engine.
cmake -S "$SRC_DIR" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DGEARSPEC_BUILD_FUZZERS=ON -DGEARSPEC_BUILD_TESTS=OFF -DGEARSPEC_BUILD_BENCH=OFF \
  -DGEARSPEC_WITH_LIBGEARMAN=OFF
cmake --build "$BUILD" --target gearspec_fuzzers -j "$(nproc)"

for fuzzer in "$BUILD"/fuzz/*_fuzzer; do
  name="$(basename "$fuzzer")"
  target="${name%_fuzzer}"
  [[ "$target" == header_baseline ]] && continue  # a speed baseline, nothing to find
  cp "$fuzzer" "$OUT/"
  seeds=()
  for dir in "$SRC_DIR/corpus/$target" "$SRC_DIR/corpus/regressions/$target"; do
    [[ -d "$dir" ]] && seeds+=("$dir")
  done
  if ((${#seeds[@]})); then
    (cd "$(mktemp -d)" && for d in "${seeds[@]}"; do cp "$d"/* . ; done && zip -q -j "$OUT/${name}_seed_corpus.zip" ./*)
  fi
  [[ -f "$SRC_DIR/corpus/dicts/$target.dict" ]] && cp "$SRC_DIR/corpus/dicts/$target.dict" "$OUT/$name.dict"
  options="$SRC_DIR/fuzz/options/$target.options"
  if [[ -f "$options" ]]; then
    cp "$options" "$OUT/$name.options"
    [[ -f "$OUT/$name.dict" ]] && printf 'dict = %s.dict\n' "$name" >>"$OUT/$name.options"
  fi
done
