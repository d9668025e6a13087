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
