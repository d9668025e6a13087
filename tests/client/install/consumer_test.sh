#!/bin/sh
# Builds tests/client/install/consumer against gearspec and runs it.
#   consumer_test.sh package      <build-dir> <source-root>  (cmake --install into a temp prefix)
#   consumer_test.sh subdirectory <build-dir> <source-root>  (add_subdirectory of the source tree)
# GTest and google-benchmark are disabled for the consumer: depending on
# gearspec must not need them.
set -eu
mode=$1
build=$2
root=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
set -- -S "$root/tests/client/install/consumer" -B "$work/build" -DGEARSPEC_CONSUME="$mode" \
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_rapidcheck=ON -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
if command -v ninja >/dev/null 2>&1; then set -- "$@" -G Ninja; fi
case "$mode" in
  package)
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    cmake "$@" -DCMAKE_PREFIX_PATH="$work/prefix"
    ;;
  subdirectory)
    cmake "$@" -DGEARSPEC_SOURCE_DIR="$root"
    ;;
  *) echo "usage: $0 package|subdirectory <build-dir> <source-root>"; exit 2 ;;
esac
cmake --build "$work/build" --target consumer -j "${GEARSPEC_JOBS:-2}"
"$work/build/consumer"
