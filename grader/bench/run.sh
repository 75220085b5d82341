#!/usr/bin/env bash
# EchoKit benchmark: the reference solution, the starter (no limit) and Redis (--maxclients), measured
# side by side in one run on this machine, with grader/target/flood.jar. Writes grader/bench/RESULTS.md.
#
#   grader/bench/run.sh            (from anywhere; needs a JDK 17+, Linux, and redis-server or root to install it)
#
# Figures are measurements for people to read; nothing here passes or fails on them.
set -euo pipefail

kit="$(cd "$(dirname "$0")/../.." && pwd)"
out="$kit/grader/bench/RESULTS.md"
# Hand-written notes (profiles, history) live below this marker in RESULTS.md and are kept.
marker="<!-- notes: kept by run.sh -->"
if [ -f "$out" ] && grep -qF "$marker" "$out"; then
  sed -n "/$marker/,\$p" "$out" > "$out.notes"
fi
storm="${STORM:-5s}"
warmup="${WARMUP:-2s}"
idle_many="${IDLE_MANY:-10000}"
cd "$kit"

# 10,000 idle clients need 10,000 descriptors in the server and as many in flood (the limit is per process).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((idle_many + 1000)) ]; then
  echo "bench: ulimit -n is $(ulimit -n); $((idle_many + 1000)) descriptors are needed (raise the hard limit, or set IDLE_MANY lower)" >&2
  exit 1
fi

if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "bench: installing redis-server" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null
  else
    echo "bench: redis-server is not installed (apt-get install redis-server)" >&2
    exit 1
  fi
fi

echo "bench: building the jars" >&2
./mvnw -q -B package -DskipTests >/dev/null
flood=(java -jar "$kit/grader/target/flood.jar")
jvm_opts=(-Xms64m -Xmx512m -XX:+UseSerialGC)

pids=()
cleanup() {
  rm -f "$out.notes" "$out.new"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_listening() { # port
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bench: nothing listens on $1" >&2
  exit 1
}

# start_server KIND LIMIT -> sets $port and $pid. A probe connection is fine here: it closes before any measurement.
start_server() {
  port="$(free_port)"
  local log="$kit/grader/target/bench-$1-$2.log"
  case "$1" in
    solution) java "${jvm_opts[@]}" -jar lesson-solution/target/echo-server.jar --port "$port" --max-clients "$2" 2>"$log" & ;;
    starter) java "${jvm_opts[@]}" -jar lesson-starter/target/echo-server-starter.jar --port "$port" 2>"$log" & ;;
    redis) redis-server --port "$port" --bind 127.0.0.1 --maxclients "$2" --save "" --appendonly no \
             --protected-mode no --loglevel warning >"$log" 2>&1 & ;;
  esac
  pid=$!
  pids+=("$pid")
  wait_listening "$port"
  sleep 0.5 # let the probe connection's close be processed before anything is measured
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

field() { # json dotted.path -> the value, read with a JSON parser ("-" when absent)
  python3 -c 'import json, sys
value = json.loads(sys.argv[1])
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("-" if value is None else value)' "$1" "$2"
}

wait_for_log() { # file text [last]: until a line of the server's log (or its last line) has the text, 15 s at most
  for _ in $(seq 1 150); do
    if [ "${3:-}" = last ]; then tail -n 1 "$1" | grep -qF "$2" && return 0; else grep -qF "$2" "$1" && return 0; fi
    sleep 0.1
  done
  echo "bench: waited 15 s for '$2' in $1" >&2
}

live_heap_per_conn() { # kind admitted -> live heap bytes per connection, from the two class histograms
  local total0 totaln
  total0="$(awk '$1 == "Total" {print $3}' "$kit/grader/target/bench-$1-histogram-0.txt")"
  totaln="$(awk '$1 == "Total" {print $3}' "$kit/grader/target/bench-$1-histogram-$idle_many.txt")"
  awk -v a="$total0" -v b="$totaln" -v n="$2" 'BEGIN { if (n > 0 && a > 0 && b > 0) printf "%.0f", (b - a) / n; else print "-" }'
}

# Redis speaks its own protocol: an admitted client sends PING and reads +PONG; a refused one reads an error line.
protocol_for() { # kind -> sets the array $protocol
  protocol=()
  if [ "$1" = redis ]; then
    protocol=(--probe 'PING\r\n' --reply '+PONG\r\n' --expect '-ERR max number of clients reached\r\n')
  fi
}

declare -A R
for kind in solution redis; do
  echo "bench: $kind — refusal storm ($storm, 2 loops) at a limit of 1" >&2
  start_server "$kind" 1
  protocol_for "$kind"
  # The warm-up's refusals are dropped: both sides (and flood) have finished compiling their hot paths.
  json="$("${flood[@]}" --port "$port" --storm "$storm" --warmup "$warmup" --fill 1 --parallel 2 --json "${protocol[@]}")"
  R[$kind.rate]="$(field "$json" refusalsPerSecond)"
  R[$kind.p50]="$(field "$json" p50Ms)"
  R[$kind.p99]="$(field "$json" p99Ms)"
  R[$kind.max]="$(field "$json" maxMs)"
  R[$kind.wrong]="$(field "$json" notTheMessage)"
  stop_server "$pid"
done

for kind in solution starter redis; do
  echo "bench: $kind — resident memory with 10 and $idle_many idle clients" >&2
  start_server "$kind" $((idle_many + 10))
  protocol_for "$kind"
  log="$kit/grader/target/bench-$kind-$((idle_many + 10)).log"
  few="$("${flood[@]}" --port "$port" --clients 10 --hold 1s --pid "$pid" --json "${protocol[@]}")"
  if [ "$kind" = solution ]; then # its log counts the clients, so the histograms can wait for them
    # What the connections hold on the Java heap: a class histogram (it runs a full GC first) while
    # flood holds them, against one taken with no clients.
    wait_for_log "$log" "(0/" last # the ten have left
    jcmd "$pid" GC.class_histogram >"$kit/grader/target/bench-$kind-histogram-0.txt"
    "${flood[@]}" --port "$port" --clients "$idle_many" --wave 500 --hold 6s --timeout 5s --pid "$pid" --json "${protocol[@]}" \
      >"$kit/grader/target/bench-$kind-many.json" &
    flood_pid=$!
    wait_for_log "$log" "($idle_many/"
    jcmd "$pid" GC.class_histogram >"$kit/grader/target/bench-$kind-histogram-$idle_many.txt"
    wait "$flood_pid"
    many="$(cat "$kit/grader/target/bench-$kind-many.json")"
    R[$kind.heap]="$(live_heap_per_conn "$kind" "$(field "$many" outcomes.admitted)") bytes"
  else
    many="$("${flood[@]}" --port "$port" --clients "$idle_many" --wave 500 --hold 2s --timeout 5s --pid "$pid" --json "${protocol[@]}")"
    R[$kind.heap]="n/a"
  fi
  R[$kind.rss10]="$(field "$few" server.rssKibPeak)"
  R[$kind.rssmany]="$(field "$many" server.rssKibPeak)"
  R[$kind.admitted]="$(field "$many" outcomes.admitted)"
  stop_server "$pid"

  echo "bench: $kind — echo round trips, 100 clients for 3 s" >&2
  start_server "$kind" 1000
  echo_json="$("${flood[@]}" --port "$port" --echo 100 --duration 3s --json "${protocol[@]}")"
  R[$kind.rtt]="$(field "$echo_json" roundTripsPerSecond)"
  R[$kind.rttfail]="$(field "$echo_json" failed)"
  stop_server "$pid"
done

per_conn() { # kind -> bytes per idle connection, on average from 10 clients up
  awk -v a="${R[$1.rss10]}" -v b="${R[$1.rssmany]}" -v n="${R[$1.admitted]}" \
    'BEGIN { if (n > 10) printf "%.0f", (b - a) * 1024 / (n - 10); else print "-" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

java_version="$(java -version 2>&1 | head -1)"
redis_version="$(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')"
{
  echo "# EchoKit benchmark results"
  echo
  echo "Produced by \`grader/bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "$java_version, Redis $redis_version. Java servers ran with \`${jvm_opts[*]}\`; Redis with"
  echo "persistence off. Client and servers share the machine, so these are figures for comparing"
  echo "the three side by side, not absolute capacities."
  echo
  echo "## Refusal storm at the limit"
  echo
  echo "Server full (limit 1, one client held), then 2 loops connect, read to end of stream and close for $storm,"
  echo "after a $warmup warm-up whose refusals are not counted (the JIT compilers of both Java sides are done by then)."
  echo
  echo "| server | refusals/s | p50 ms | p99 ms | max ms | refused without the exact message |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| solution | ${R[solution.rate]} | ${R[solution.p50]} | ${R[solution.p99]} | ${R[solution.max]} | ${R[solution.wrong]} |"
  echo "| starter | n/a (no limit) | | | | |"
  echo "| redis | ${R[redis.rate]} | ${R[redis.p50]} | ${R[redis.p99]} | ${R[redis.max]} | ${R[redis.wrong]} |"
  echo
  echo "## Memory per idle connection"
  echo
  echo "Resident memory of a fresh server with 10 and then $idle_many idle clients connected. *Per connection*"
  echo "divides the growth by the clients added; for a JVM it includes the first touch of the young"
  echo "generation (about 20 MiB with these flags, a one-off whatever the clients hold). *Live heap*"
  echo "is from two class histograms (\`jcmd GC.class_histogram\`, after a full GC), with no clients and"
  echo "with $idle_many: what the connections themselves hold on the heap."
  echo
  echo "| server | RSS, 10 clients | RSS, $idle_many | admitted | per connection | live heap per connection |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for kind in solution starter redis; do
    echo "| $kind | ${R[$kind.rss10]} KiB | ${R[$kind.rssmany]} KiB | ${R[$kind.admitted]} | $(per_conn "$kind") bytes | ${R[$kind.heap]} |"
  done
  echo
  echo "## Echo round trips"
  echo
  echo "100 clients, each sending a short line and waiting for it (Redis: PING and +PONG), for 3 s."
  echo
  echo "| server | round trips/s | failed clients |"
  echo "| --- | --- | --- |"
  for kind in solution starter redis; do
    echo "| $kind | ${R[$kind.rtt]} | ${R[$kind.rttfail]} |"
  done
  echo
  echo "## Ours / Redis"
  echo
  echo "| figure | ratio | target |"
  echo "| --- | --- | --- |"
  echo "| refusals per second | $(ratio "${R[solution.rate]}" "${R[redis.rate]}") | at least 1.0 |"
  echo "| p99 refusal latency | $(ratio "${R[solution.p99]}" "${R[redis.p99]}") | at most 1.2 |"
  echo "| bytes per idle connection | $(ratio "$(per_conn solution)" "$(per_conn redis)") | at most 2048 bytes absolute ($(per_conn solution)) |"
  echo "| echo round trips per second | $(ratio "${R[solution.rtt]}" "${R[redis.rtt]}") | (reported) |"
  # Notes written by hand below the marker (profiles, history) survive a new run.
  if [ -f "$out.notes" ]; then echo; cat "$out.notes"; fi
} >"$out.new"
mv "$out.new" "$out"

cat "$out"
echo >&2
echo "bench: ours / Redis — refusals/s $(ratio "${R[solution.rate]}" "${R[redis.rate]}"), p99 $(ratio "${R[solution.p99]}" "${R[redis.p99]}"), per idle connection $(per_conn solution) vs $(per_conn redis) bytes" >&2
