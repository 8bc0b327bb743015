#!/usr/bin/env bash
# Runs every libFuzzer target of BUILD_DIR (built with -DSCADENZARIO_FUZZ=ON) for at
# most SECONDS each, from seeds made of rules/ (the TOML files) and tests/fuzz/corpus/.
# Fails if any target finds a crash, a broken property, a leak, a timeout or an
# out-of-memory input; the input is left in BUILD_DIR/fuzz-findings/<target>/.
# Usage: tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
seconds=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
targets=(rule_file config due_spec mime_header)

# Seeds: the hand-written ones, plus the real rule and configuration files.
seed() {
  local target=$1 corpus=$2
  mkdir -p "$corpus"
  cp "$source_dir/tests/fuzz/corpus/$target/"* "$corpus/"
  case $target in
    rule_file) cp "$source_dir"/rules/rules.d/*.toml "$source_dir/rules/attori.toml" "$corpus/"
               cp "$source_dir"/tests/data/malformed-rules/*.toml "$corpus/" ;;
    config)    cp "$source_dir/rules/scadenzario.toml" "$corpus/"
               cp "$source_dir"/tests/data/malformed-config/*.toml "$corpus/" ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/fuzz_$target"
  [ -x "$binary" ] || { echo "run_fuzzers: missing $binary (build with -DSCADENZARIO_FUZZ=ON)" >&2; exit 2; }
  corpus="$build/fuzz-corpus/$target"
  findings="$build/fuzz-findings/$target"
  seed "$target" "$corpus"
  mkdir -p "$findings"
  echo "run_fuzzers: $target for ${seconds}s"
  # -timeout: seconds per input; -rss_limit_mb: memory per process; leaks are on (ASan).
  if "$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=16384 -print_final_stats=1 -artifact_prefix="$findings/" \
       >"$build/fuzz-$target.log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$build/fuzz-$target.log" | sed "s/^/  $target: /"
  else
    echo "run_fuzzers: $target FAILED; last lines of $build/fuzz-$target.log:" >&2
    tail -n 30 "$build/fuzz-$target.log" >&2
    ls "$findings" >&2
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "run_fuzzers: findings in ${failed[*]}" >&2
  exit 1
fi
echo "run_fuzzers: ${#targets[@]} targets, no findings"
