#!/usr/bin/env bash
# SMTP delivery throughput: COUNT (10000) full messages through scadenzario's SMTP channel
# over one reused connection to postfix's smtp-sink on 127.0.0.1, against the sink's own
# ceiling measured in the same run by postfix's smtp-source: one session that keeps its
# connection (-d), messages of the same size, two recipients per message (-r 2) as the
# benchmark's messages have (To and Cc). Target: at least 50% of the ceiling.
#
#   bench/smtp_bench.sh [BUILD_DIR=build]
#
# Builds and installs nothing: build first (cmake --build build); smtp-sink and
# smtp-source come with Debian's postfix package (apt-get install postfix; the service
# need not run).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
bench=$build/bench/smtp_bench
count=${COUNT:-10000}

[[ -x $bench ]] || { echo "smtp_bench: $bench is missing: build first (cmake --build build)" >&2; exit 1; }
for tool in smtp-sink smtp-source; do
  if ! command -v "$tool" >/dev/null; then
    echo "smtp_bench: $tool is missing: it comes with Debian's postfix (apt-get install postfix)" >&2
    exit 1
  fi
done

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sink_user=()
if [[ $(id -u) -eq 0 ]]; then sink_user=(-u nobody); fi  # smtp-sink refuses to run as root
smtp-sink "${sink_user[@]}" 127.0.0.1:"$port" 256 &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  sleep 0.1
done

# The size of the messages the channel sends, for a like-for-like ceiling.
size=$("$bench" --size)

# ROUNDS (3) alternate rounds of each, the medians compared: the machine may be shared.
rounds=${ROUNDS:-3}
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }  # floating-point arithmetic without bc
ceilings=() rates=()
for round in $(seq "$rounds"); do
  start=$(now)
  smtp-source -d -s 1 -r 2 -m "$count" -l "$size" -f bench@example.it -t sink@example.it 127.0.0.1:"$port"
  seconds=$(calc "$(now) - $start")
  ceilings+=("$(calc "$count / $seconds")")
  printf 'round %d: smtp-source: %d messages of %d bytes in %.2f s: %.0f messages/s\n' \
    "$round" "$count" "$size" "$seconds" "${ceilings[-1]}"
  result=$("$bench" "smtp://127.0.0.1:$port" "$count")
  echo "round $round: $result"
  rates+=("$(echo "$result" | sed -E 's/.*: ([0-9]+) messages\/s$/\1/')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ceiling=$(median "${ceilings[@]}")
rate=$(median "${rates[@]}")
printf 'median: smtp-sink ceiling (smtp-source, one session, connection kept, 2 recipients) %.0f messages/s\n' "$ceiling"
printf 'median: scadenzario SMTP channel (one connection, MIME rendering included) %.0f messages/s\n' "$rate"
printf 'ratio: %.0f%% of the ceiling (target: at least 50%%)\n' "$(calc "100 * $rate / $ceiling")"
