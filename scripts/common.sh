# Shared by scripts/run and scripts/test: configure and build one tree.
# Usage: gearspec_build <build-dir> [extra cmake args...]
set -euo pipefail
GEARSPEC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEARSPEC_JOBS="${GEARSPEC_JOBS:-$(nproc)}"
# Let ccache (used when installed) share results between clones of the repo.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$GEARSPEC_ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"

gearspec_build() {
  local dir="$1"; shift
  if [[ ! -f "$dir/build.ninja" ]]; then
    cmake -S "$GEARSPEC_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  elif (($#)); then
    cmake "$dir" "$@" >/dev/null
  fi
  cmake --build "$dir" -j "$GEARSPEC_JOBS"
}

# True when a missing real part must fail the run rather than be left out:
# in CI (CI=true) or when GEARSPEC_REQUIRE_ALL=1.
gearspec_strict() { [[ "${CI:-}" == "true" || "${GEARSPEC_REQUIRE_ALL:-0}" == "1" ]]; }

# gearspec_clients <build-dir>
# Prints one "label|known-failures file|adapter command line" per client
# adapter this machine can run: the reference client always, each real library
# when it is installed. When gearspec_strict, a missing library is an error
# (message on stderr, status 1) instead of a silent omission.
gearspec_clients() {
  local build="$1" adapters="$GEARSPEC_ROOT/scripts/adapters" missing=() lib
  echo "reference||reference"
  if [[ -x "$build/scripts/adapters/gearspec-adapter-libgearman" ]]; then
    echo "libgearman|$adapters/libgearman/known-failures.txt|$build/scripts/adapters/gearspec-adapter-libgearman"
  else missing+=("libgearman (libgearman-dev; adapter not built in $build)"); fi
  if perl -MGearman::Client -e1 2>/dev/null; then
    echo "perl|$adapters/perl/known-failures.txt|perl $adapters/perl/gearman-client-adapter.pl"
  else missing+=("perl Gearman::Client (libgearman-client-perl)"); fi
  if php -r 'exit(class_exists("GearmanClient") ? 0 : 1);' 2>/dev/null; then
    echo "php|$adapters/php/known-failures.txt|php $adapters/php/gearman-client-adapter.php"
  else missing+=("PHP GearmanClient (php-cli php-gearman)"); fi
  for lib in abraxas gearmanode gearman node-gearman; do
    if command -v node >/dev/null && [[ -d "$adapters/node/node_modules/$lib" ]]; then
      echo "node-$lib|$adapters/node/known-failures/$lib.txt|node $adapters/node/adapter.js $lib"
    else missing+=("npm $lib (nodejs, npm; scripts/install-deps)"); fi
  done
  if ((${#missing[@]})); then
    local m
    for m in "${missing[@]}"; do echo "gearspec: real client library missing: $m" >&2; done
    if gearspec_strict; then return 1; fi
  fi
  return 0
}
