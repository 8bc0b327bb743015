#!/usr/bin/env bash
# SMTP delivery throughput of scadenzario's Courier (service/courier.hpp: the service's
# own path, one thread per connection, each connection reused for the whole batch) at
# 1, 2 and 4 connections, against postfix's smtp-source at the same number of sessions
# (-s N, connection kept: -d), in the same run, to postfix's smtp-sink on 127.0.0.1.
# Messages of the same size, two recipients each (-r 2), as the service's (To and Cc).
#
# 1. A fast sink: COUNT (10000) messages. Goal: at least 60 % of smtp-source at each N.
# 2. A sink that waits 1 s before its reply to each DATA (smtp-sink -w 1), as a slow
#    relay: 8 × N messages. Goal: within 1.5 × smtp-source's time at each N.
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
rounds=${ROUNDS:-3}

[[ -x $bench ]] || { echo "smtp_bench: $bench is missing: build first (cmake --build build)" >&2; exit 1; }
for tool in smtp-sink smtp-source; do
  if ! command -v "$tool" >/dev/null; then
    echo "smtp_bench: $tool is missing: it comes with Debian's postfix (apt-get install postfix)" >&2
    exit 1
  fi
done

sink_user=()
if [[ $(id -u) -eq 0 ]]; then sink_user=(-u nobody); fi  # smtp-sink refuses to run as root
sinks=()
trap 'kill "${sinks[@]}" 2>/dev/null || true' EXIT

# Starts smtp-sink with the given options on a free port; prints the port.
start_sink() {
  local port
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  smtp-sink "${sink_user[@]}" "$@" 127.0.0.1:"$port" 256 >/dev/null 2>&1 &
  sinks+=($!)
  for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "$port"
}

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }  # floating-point arithmetic without bc
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
size=$("$bench" --size)  # the size of the messages the service sends, for a like-for-like peer

# Runs smtp-source with N sessions and M messages against PORT; prints the seconds.
source_seconds() {
  local start
  start=$(now)
  smtp-source -d -s "$1" -r 2 -m "$2" -l "$size" -f bench@example.it -t sink@example.it 127.0.0.1:"$3"
  calc "$(now) - $start"
}

# Runs the Courier with N connections and M messages against PORT; prints the seconds.
courier_seconds() {
  local start
  start=$(now)
  "$bench" "smtp://127.0.0.1:$3" "$2" "$1" >/dev/null
  calc "$(now) - $start"
}

fast=$(start_sink)
slow=$(start_sink -w 1)
echo "messages of $size bytes, 2 recipients each; medians of $rounds alternate rounds"
for n in 1 2 4; do
  peer=() ours=()
  for _ in $(seq "$rounds"); do
    peer+=("$(source_seconds "$n" "$count" "$fast")")
    ours+=("$(courier_seconds "$n" "$count" "$fast")")
  done
  p=$(calc "$count / $(median "${peer[@]}")") o=$(calc "$count / $(median "${ours[@]}")")
  printf 'fast sink, N=%d: smtp-source -s %d %6.0f msg/s; scadenzario %6.0f msg/s: %3.0f%% (goal >= 60%%)\n' \
    "$n" "$n" "$p" "$o" "$(calc "100 * $o / $p")"
done
for n in 1 2 4; do
  m=$((8 * n))
  p=$(source_seconds "$n" "$m" "$slow") o=$(courier_seconds "$n" "$m" "$slow")
  printf 'sink waiting 1 s per DATA, N=%d, %d messages: smtp-source %.2f s; scadenzario %.2f s: %.2f x (goal <= 1.5 x)\n' \
    "$n" "$m" "$p" "$o" "$(calc "$o / $p")"
done
