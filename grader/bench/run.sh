#!/usr/bin/env bash
# EchoKit benchmark: the reference solution, the starter (no limit), Redis (--maxclients) and the
# refusal path's floor (Floor.java: accept, write, close, nothing else), measured side by side in
# one run on this machine, with grader/flood/target/flood.jar; then what a grading costs (wall, CPU,
# server starts), with and without the servers' class-data archive, and a class of 30.
# Writes grader/bench/RESULTS.md.
#
#   grader/bench/run.sh            (from anywhere; needs a JDK 17+, Linux, python3, and redis-server or
#                                   root to install it; root also for the CPU accounting of gradings)
#
# STORM_ROUNDS (3) storms per server, interleaved; GRADING_RUNS (5) gradings per setup; CLASS_SIZE
# (30; 0 skips the class).
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
storm_rounds="${STORM_ROUNDS:-3}"
grading_runs="${GRADING_RUNS:-5}"
class_size="${CLASS_SIZE:-30}"
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
flood=(java -jar "$kit/grader/flood/target/flood.jar")
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
    floor) java "${jvm_opts[@]}" "$kit/grader/bench/Floor.java" "$port" >"$log" 2>&1 & ;;
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

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_before_storms="$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A R
declare -A S
# Rounds interleave the three servers, so that each sees the machine as the others do; the medians are published.
for round in $(seq 1 "$storm_rounds"); do
  for kind in solution floor redis; do
    echo "bench: $kind — refusal storm ($storm, 2 loops) at a limit of 1, round $round of $storm_rounds" >&2
    start_server "$kind" 1
    protocol_for "$kind"
    fill=1
    [ "$kind" = floor ] && fill=0 # the floor has no limit: it refuses everyone, so nobody is held
    # The warm-up's refusals are dropped: both sides (and flood) have finished compiling their hot paths.
    json="$("${flood[@]}" --port "$port" --storm "$storm" --warmup "$warmup" --fill "$fill" --parallel 2 --json "${protocol[@]}")"
    for f in refusalsPerSecond p50Ms p99Ms maxMs notTheMessage; do S[$kind.$f]+=" $(field "$json" "$f")"; done
    stop_server "$pid"
  done
done
for kind in solution floor redis; do
  R[$kind.rates]="$(echo ${S[$kind.refusalsPerSecond]} | tr ' ' '/')"
  # shellcheck disable=SC2086
  R[$kind.rate]="$(median ${S[$kind.refusalsPerSecond]})"
  # shellcheck disable=SC2086
  R[$kind.p50]="$(median ${S[$kind.p50Ms]})"
  # shellcheck disable=SC2086
  R[$kind.p99]="$(median ${S[$kind.p99Ms]})"
  # shellcheck disable=SC2086
  R[$kind.max]="$(median ${S[$kind.maxMs]})"
  R[$kind.wrong]="$(echo ${S[$kind.notTheMessage]} | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; print s }')"
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

# What a grading costs: the solution and the starter, with the servers' class-data archive and without,
# round-robin, median of $grading_runs; then a class. CPU is the grader's and every server's (process
# accounting), and the whole machine's (/proc/stat).
grader_flags="$(cat "$kit/.mvn/jvm.config")" # the kit's one list of the grader JVM's flags
echo "bench: building the servers' class-data archive (java -jar grader.jar cds)" >&2
java -jar grader/target/grader.jar cds >&2 || true
load_before_gradings="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: gradings, $grading_runs of each" >&2
grading_table="$(python3 "$kit/grader/bench/grading.py" --markdown --runs "$grading_runs" --kit "$kit" \
  --target lesson-solution --target lesson-starter \
  --setup "archive=$grader_flags" --setup "archive, 8 checks at once=$grader_flags -Dechokit.parallelChecks=8" \
  --setup "no archive=$grader_flags -Dechokit.cds=off")"
# Every state a learner passes through: the starter with tasks 1..k done, built by the self-test's LessonStates
# with the kit's own "starter plus task N" machinery; then one task alone on the solution beside a full grading.
echo "bench: the lesson's states" >&2
./mvnw -q -B -Pkit -pl grader test -Dtest=LessonStates -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
state_targets=()
for k in 0 1 2 3 4 5; do state_targets+=(--target "grader/target/states/tasks-1-to-$k"); done
states_table="$(python3 "$kit/grader/bench/grading.py" --markdown --runs "$grading_runs" --kit "$kit" "${state_targets[@]}" \
  --setup "jar=$grader_flags" --setup "maven=maven")"
one_task_table="$(python3 "$kit/grader/bench/grading.py" --markdown --runs "$grading_runs" --kit "$kit" --target lesson-solution \
  --setup "all=$grader_flags" --setup "--groups task:3=$grader_flags" --setup "all, maven=maven" --setup "--groups task:3, maven=maven" \
  --grader-args "--groups task:3")"
class_table=""
if [ "$class_size" -gt 0 ]; then
  class_dir="$kit/grader/target/bench-class"
  rm -rf "$class_dir" && mkdir -p "$class_dir"
  # A third each: the solution, the starter, and the solution without its limit (every check runs on each).
  for i in $(seq 1 "$class_size"); do
    case $((i % 3)) in
      0) from=lesson-solution ;;
      1) from=lesson-starter ;;
      2) from=lesson-solution ;;
    esac
    mkdir -p "$class_dir/learner-$i/src/main" && cp -r "$from/src/main/java" "$class_dir/learner-$i/src/main/"
    if [ $((i % 3)) = 2 ]; then
      sed -i 's/if (clients >= maxClients) {/if (false) {/' "$class_dir/learner-$i/src/main/java/dev/echokit/server/EchoServer.java"
    fi
  done
  echo "bench: a class of $class_size, with the archive and without" >&2
  class_table="$(python3 "$kit/grader/bench/grading.py" --markdown --runs 1 --kit "$kit" --target "classroom:$class_dir" \
    --setup "archive=$grader_flags" --setup "no archive=$grader_flags -Dechokit.cds=off")"
fi

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
  echo "The *floor* is \`grader/bench/Floor.java\`: the solution's selector, backlog and accept loop, but"
  echo "each accepted client only gets the line and a close — no log, no count, no shutdown or drain (it"
  echo "refuses everyone, so nobody is held). $storm_rounds rounds, the three servers interleaved in each;"
  echo "medians, and every round's rate. Load average before the storms: $load_before_storms."
  echo
  echo "| server | refusals/s (median) | each round | p50 ms | p99 ms | max ms | refused without the exact message |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  echo "| solution | ${R[solution.rate]} | ${R[solution.rates]} | ${R[solution.p50]} | ${R[solution.p99]} | ${R[solution.max]} | ${R[solution.wrong]} |"
  echo "| floor (JDK NIO, nothing else) | ${R[floor.rate]} | ${R[floor.rates]} | ${R[floor.p50]} | ${R[floor.p99]} | ${R[floor.max]} | ${R[floor.wrong]} |"
  echo "| starter | n/a (no limit) | | | | | |"
  echo "| redis | ${R[redis.rate]} | ${R[redis.rates]} | ${R[redis.p50]} | ${R[redis.p99]} | ${R[redis.max]} | ${R[redis.wrong]} |"
  echo
  echo "Solution / floor: $(ratio "${R[solution.rate]}" "${R[floor.rate]}") (what the lesson's own code costs: the log line,"
  echo "the count, the non-blocking switch, shutdown and drain). Floor / Redis: $(ratio "${R[floor.rate]}" "${R[redis.rate]}")"
  echo "(what the JDK costs over C: its accept's extra system calls and objects)."
  echo
  echo "## What a grading costs"
  echo
  echo "\`java $grader_flags -jar grader/target/grader.jar --target T\`, $grading_runs runs per row, the rows"
  echo "round-robin; medians (CPU: the runs' range in brackets). *CPU, grader + servers* is the user and"
  echo "system time of the grader and of every process it started, sandboxed servers included, from the"
  echo "kernel's process accounting; *whole machine* is /proc/stat's busy time over the run, which also"
  echo "counts anything else running. *archive*: servers start with the class-data archive of the JDK and"
  echo "picocli (built beforehand with \`grader.jar cds\`); *no archive*: \`-Dechokit.cds=off\`; *8 checks at"
  echo "once*: \`-Dechokit.parallelChecks=8\` (the grader runs 4 side by side; 8 was tried in issue 22). Load"
  echo "average before the gradings: $load_before_gradings."
  echo
  echo "$grading_table"
  echo
  echo "## Every state of the lesson"
  echo
  echo "The starter with tasks 1..k done (\`grader/target/states/tasks-1-to-k\`, built by the self-test's \`LessonStates\`),"
  echo "graded with the jar as above and with the learner's own command (\`maven\`: \`./mvnw -q -o -pl grader test"
  echo "-Dgrader.target=T\`, warm), $grading_runs runs per row, round-robin; medians. A half-done server is one whose"
  echo "checks wait for what its code cannot produce: clients left waiting, slots never freed. Where Linux shows it"
  echo "(a client's connection unanswered with every server thread asleep, or the departure logged and the next"
  echo "client still turned away) those waits end on that evidence instead of at their deadlines."
  echo
  echo "$states_table"
  echo
  echo "One task alone (\`--groups task:3\`) beside a full grading of the solution:"
  echo
  echo "$one_task_table"
  if [ -n "$class_table" ]; then
    echo
    echo "A class: \`grader.jar classroom\` on $class_size submissions (a third each: the solution, the starter, the"
    echo "solution without its limit), two at a time, once with the archive and once without."
    echo
    echo "$class_table"
  fi
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
  echo "| refusals per second, solution / floor | $(ratio "${R[solution.rate]}" "${R[floor.rate]}") | at least 0.95 |"
  echo "| refusals per second, floor / Redis | $(ratio "${R[floor.rate]}" "${R[redis.rate]}") | (the JDK's cost) |"
  echo "| p99 refusal latency | $(ratio "${R[solution.p99]}" "${R[redis.p99]}") | at most 1.2 |"
  echo "| bytes per idle connection | $(ratio "$(per_conn solution)" "$(per_conn redis)") | at most 2048 bytes absolute ($(per_conn solution)) |"
  echo "| echo round trips per second | $(ratio "${R[solution.rtt]}" "${R[redis.rtt]}") | (reported) |"
  # Notes written by hand below the marker (profiles, history) survive a new run.
  if [ -f "$out.notes" ]; then echo; cat "$out.notes"; fi
} >"$out.new"
mv "$out.new" "$out"

cat "$out"
echo >&2
echo "bench: solution / floor — refusals/s $(ratio "${R[solution.rate]}" "${R[floor.rate]}"); floor / Redis $(ratio "${R[floor.rate]}" "${R[redis.rate]}")" >&2
echo "bench: ours / Redis — refusals/s $(ratio "${R[solution.rate]}" "${R[redis.rate]}"), p99 $(ratio "${R[solution.p99]}" "${R[redis.p99]}"), per idle connection $(per_conn solution) vs $(per_conn redis) bytes" >&2
