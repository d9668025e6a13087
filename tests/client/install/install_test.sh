#!/bin/sh
# Installs the build into a temporary prefix, compiles install/compat_prog.c
# with only `pkg-config --cflags --libs gearspec-gearman`, and runs it against
# a real gearmand on a free loopback port. Exit 77 (skip) without gearmand.
# Usage: install_test.sh <build-dir> <source-dir-of-this-script>
set -eu
build=$1
here=$2
gearmand=$(command -v gearmand || true)
[ -n "$gearmand" ] || [ -x /usr/sbin/gearmand ] && gearmand=${gearmand:-/usr/sbin/gearmand}
if [ -z "$gearmand" ] || [ ! -x "$gearmand" ]; then
  echo "SKIP: real gearmand not installed (Debian package gearman-job-server)"
  exit 77
fi
prefix=$(mktemp -d)
gd_pid=
cleanup() {
  [ -n "$gd_pid" ] && kill "$gd_pid" 2>/dev/null && wait "$gd_pid" 2>/dev/null
  rm -rf "$prefix"
}
trap cleanup EXIT INT TERM
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/pkgconfig | head -n1)
flags=$(PKG_CONFIG_PATH=$libdir pkg-config --cflags --libs gearspec-gearman)
echo "flags: $flags"
case "$flags" in *"/usr/include/libgearman"*) echo "must not point at the system libgearman"; exit 1;; esac
cc -std=c99 -Wall -Wextra -Werror "$here/compat_prog.c" $flags -o "$prefix/compat_prog"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$gearmand" -L 127.0.0.1 -p "$port" --log-file none &
gd_pid=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 50 ] || { echo "gearmand did not listen"; exit 1; }
  sleep 0.1
done
LD_LIBRARY_PATH=$(dirname "$libdir") "$prefix/compat_prog" "$port"
