#!/usr/bin/env bash
# What a whole command costs before it does any work, on this machine: the floor under
# state_bench.sh's figures. Times, with hyperfine, /bin/true; a C++ "hello world"; the
# same program linked with the libraries `scadenzario` loads (fmt, SQLite, toml++,
# OpenSSL's libcrypto); `scadenzario --version` (loads them, does nothing); and
# `scadenzario check` on the default rules (adds reading and validating them).
#
#   bench/process_floor.sh [BUILD_DIR=build]
#
# Needs g++ and the -dev packages of install-deps.sh; builds the two small programs in
# a temporary directory. RUNS (100) timed runs after WARMUP (10).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
bin=$build/daemon/scadenzario
runs=${RUNS:-100}
warmup=${WARMUP:-10}
[[ -x $bin ]] || { echo "process_floor: $bin is missing: build first (cmake --build build)" >&2; exit 1; }
for tool in hyperfine jq; do
  command -v "$tool" >/dev/null || { echo "process_floor: $tool is missing (bench/state_bench.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#include <iostream>\nint main() { std::cout << "ciao\\n"; }\n' >"$work/hello.cpp"
g++ -O2 "$work/hello.cpp" -o "$work/hello"
# --no-as-needed: load the libraries although hello uses none of them, as the tool does.
g++ -O2 "$work/hello.cpp" -o "$work/hello-libs" -Wl,--no-as-needed -lfmt -lsqlite3 -ltomlplusplus -lcrypto

hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$work/floor.json" \
  -n "/bin/true" /bin/true \
  -n "C++ hello world" "$work/hello" \
  -n "C++ hello world + fmt, sqlite3, toml++, crypto" "$work/hello-libs" \
  -n "scadenzario --version" "$bin --version" \
  -n "scadenzario check (default rules)" "$bin --config $root/rules/scadenzario.toml check" \
  >/dev/null 2>"$work/hyperfine.log"

echo "process floor on $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); hyperfine, $runs runs after $warmup warm-up"
jq -r '.results[] | "\(.command | .[0:48] | . + " " * (48 - length))  median \(.median * 1000 * 100 | round / 100) ms"' \
  "$work/floor.json"
