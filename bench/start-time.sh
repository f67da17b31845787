#!/usr/bin/env bash
# How long `npm start` takes to serve its first page when nothing changed since the last build (issue 17).
# Runs `npm start` RUNS times (default 3) on port 3163 with its own PGlite directory, after one warm-up start
# (which builds if needed and creates the database), and prints wall time to the first 200 on `/`, and the server's
# own start-up figures from its "listening" log line (wall and CPU milliseconds from process start).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-3163}
RUNS=${RUNS:-3}
export PGLITE_DATA_DIR=${PGLITE_DATA_DIR:-./data/bench-start}
log=$(mktemp)

one() {
  local start end pid
  start=$(date +%s%N)
  setsid bash -c "PORT=$PORT exec npm start" >"$log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://localhost:$PORT/"; do sleep 0.05; done
  end=$(date +%s%N)
  kill -TERM -- "-$pid"
  while ss -ltn | grep -q ":$PORT "; do sleep 0.1; done
  sleep 0.5
  echo "first page after $(( (end - start) / 1000000 )) ms; $(grep -o '"startupMs":[0-9]*,"cpuMs":[0-9]*' "$log"); load $(cut -d' ' -f1 /proc/loadavg)"
}

echo "warm-up (builds if the sources changed):"; one
for _ in $(seq 1 "$RUNS"); do one; done
rm -f "$log"
