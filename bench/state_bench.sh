#!/usr/bin/env bash
# The state database at scale, as whole commands: `status --year 2027`,
# `upcoming --days 30` and `done` on a 10-year, 60-body database (about 100k step
# records, 1M audit rows), and on an empty database for comparison. Timed with hyperfine.
#
#   bench/state_bench.sh [BUILD_DIR=build]
#
# Builds nothing: build first (cmake --build build). Environment: RUNS (40) timed runs
# and WARMUP (5) warmup runs per command; TMPDIR for the databases (default /var/tmp:
# keep them on a real disk, `done` fsyncs); KEEP=1 keeps them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
bin=$build/daemon/scadenzario
generator=$build/bench/state_db_generator
config=$root/rules/scadenzario.toml
runs=${RUNS:-40}
warmup=${WARMUP:-5}
today=2027-06-15
year=2027

for program in "$bin" "$generator"; do
  [[ -x $program ]] || { echo "state_bench: $program is missing: build first (cmake --build build)" >&2; exit 1; }
done
(( runs >= 2 && warmup >= 1 )) || { echo "state_bench: RUNS must be >= 2, WARMUP >= 1" >&2; exit 1; }
for tool in hyperfine jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "state_bench: installing $tool (Debian package)" >&2
    apt-get install -y "$tool" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }
  fi
done
case "$root$build$config" in
  *[[:space:]\'\"]*) echo "state_bench: paths with spaces or quotes are not supported" >&2; exit 1 ;;
esac

work=$(mktemp -d "${TMPDIR:-/var/tmp}/scadenzario-bench.XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then echo "state_bench: keeping $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
log=$work/hyperfine.log

# Seconds (JSON numbers) in, milliseconds with two decimals out.
ms() { awk '{ printf "%.2f", $1 * 1000 }'; }

# Runs hyperfine on one command; prints "median mean" in seconds.
time_command() {  # NAME DB ARGS...
  local name=$1 db=$2; shift 2
  local json=$work/$name.json
  hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$json" \
    "$bin --config $config --state $db --today $today $*" >>"$log" 2>&1 \
    || { echo "state_bench: hyperfine failed for $name, see:" >&2; tail -20 "$log" >&2; exit 1; }
  jq -e '[.results[0].exit_codes[] | select(. != 0)] | length == 0' "$json" >/dev/null
  jq -r '.results[0] | "\(.median) \(.mean)"' "$json"
}

# Times `done` once on each of `runs` distinct pending steps, after `warmup` others, in
# an order where each is allowed without --force. Every run must exit 0 (hyperfine stops
# at the first failure); prints "median mean" in seconds over all the timed runs.
time_done() {  # NAME DB PENDING_FILE
  local name=$1 db=$2 pending=$3
  local needed=$((warmup + runs))
  if (( $(wc -l <"$pending") < needed )); then
    echo "state_bench: $pending lists fewer than $needed pending steps" >&2; exit 1
  fi
  local ref="'Delibera di Giunta n. 12 del 28/01/2027'"
  local command="$bin --config $config --state $db --today $today done {step} --ref $ref"
  local -a warm timed
  mapfile -t warm < <(head -n "$warmup" "$pending")
  mapfile -t timed < <(sed -n "$((warmup + 1)),${needed}p" "$pending")
  local list
  list=$(IFS=,; echo "${warm[*]}")
  hyperfine -N --runs 1 --parameter-list step "$list" --export-json "$work/$name-warmup.json" \
    "$command" >>"$log" 2>&1 || { echo "state_bench: a warmup done failed:" >&2; tail -20 "$log" >&2; exit 1; }
  list=$(IFS=,; echo "${timed[*]}")
  hyperfine -N --runs 1 --parameter-list step "$list" --export-json "$work/$name.json" \
    "$command" >>"$log" 2>&1 || { echo "state_bench: a timed done failed:" >&2; tail -20 "$log" >&2; exit 1; }
  jq -e "[.results[].exit_codes[] | select(. == 0)] | length == $runs" "$work/$name.json" >/dev/null \
    || { echo "state_bench: not every timed done succeeded" >&2; exit 1; }
  jq -r '[.results[].times[]] | sort | (if length % 2 == 1 then .[length / 2 | floor]
           else (.[length / 2 - 1] + .[length / 2]) / 2 end) as $median
         | "\($median) \(add / length)"' "$work/$name.json"
}

# The audit log after the run must still verify, and hold the warmup + timed `done`s.
check_after() {  # DB ROWS_BEFORE
  local out
  out=$("$bin" --config "$config" --state "$1" audit verify) \
    || { echo "state_bench: audit verify failed on $1: $out" >&2; exit 1; }
  local rows
  rows=$(grep -o '[0-9]\+ righe' <<<"$out" | grep -o '[0-9]\+' || true)
  if [[ -n $rows && $rows -ne $(($2 + warmup + runs)) ]]; then
    echo "state_bench: $1 has $rows audit rows, expected $(($2 + warmup + runs))" >&2; exit 1
  fi
}

audit_rows() { "$bin" --config "$config" --state "$1" audit verify | grep -o '[0-9]\+ righe' | grep -o '[0-9]\+' || echo 0; }

size_of() { awk -v b="$(stat -c %s "$1")" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.1f KiB", b / 1024 }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== generating the databases in $work"
"$generator" "$work/state.db" --today "$today" --pending "$work/pending.txt" --config "$config"
"$generator" "$work/empty.db" --bodies 0 --today "$today" --pending "$work/pending-empty.txt" \
  --config "$config" >/dev/null
big_size=$(size_of "$work/state.db")
empty_size=$(size_of "$work/empty.db")
big_rows=$(audit_rows "$work/state.db")
empty_rows=$(audit_rows "$work/empty.db")

declare -A result
for db in state empty; do
  echo "== timing the $db database ($warmup warmup + $runs runs per command)"
  result[$db.status]=$(time_command "$db-status" "$work/$db.db" status --year "$year")
  result[$db.upcoming]=$(time_command "$db-upcoming" "$work/$db.db" upcoming --days 30)
  pending=$work/pending.txt
  [[ $db == empty ]] && pending=$work/pending-empty.txt
  result[$db.done]=$(time_done "$db-done" "$work/$db.db" "$pending")
done
check_after "$work/state.db" "$big_rows"
check_after "$work/empty.db" "$empty_rows"

echo
echo "scadenzario state database, whole commands (hyperfine $(hyperfine --version | cut -d' ' -f2), $runs runs after $warmup warmup, --today $today)"
echo "large: 60 bodies x 10 years, $big_size before the runs; empty: schema only, $empty_size"
echo "load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (other work skews the figures)"
printf '%-34s %12s %12s %12s %12s %8s\n' "command" "large median" "large mean" "empty median" "empty mean" "target"
for command in status upcoming done; do
  read -r big_median big_mean <<<"${result[state.$command]}"
  read -r empty_median empty_mean <<<"${result[empty.$command]}"
  case $command in
    status) label="status --year $year"; target="20 ms" ;;
    upcoming) label="upcoming --days 30"; target="20 ms" ;;
    done) label="done (a new pending step each run)"; target="5 ms" ;;
  esac
  printf '%-34s %9s ms %9s ms %9s ms %9s ms %8s\n' "$label" "$(ms <<<"$big_median")" "$(ms <<<"$big_mean")" \
    "$(ms <<<"$empty_median")" "$(ms <<<"$empty_mean")" "< $target"
done
after="large database after the runs: $(size_of "$work/state.db")"
[[ -e $work/state.db-wal ]] && after+=" (+ WAL $(size_of "$work/state.db-wal"))"
echo "$after"
