#!/usr/bin/env bash
# Measures how many cheap reads per second the sandbox serves, for both platforms, with wrk
# against a release build, so the sandbox is known never to be the bottleneck of a benchmark.
# Also prints how long a 20,000-agent tenant takes to be ready.
#
# Environment: DURATION (default 10s), THREADS (2), CONNECTIONS (32), AGENTS (20000), SKILLS (200).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
AGENTS=${AGENTS:-20000}
SKILLS=${SKILLS:-200}

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet -p skillsync-sandbox --example serve
BIN=target/release/examples/serve
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# The value of one string field of the sandbox's JSON line.
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$WORK/info"; }

start() {
  "$BIN" "$1" --agents "$AGENTS" --skills "$SKILLS" --rate-limit 0 >"$WORK/info" 2>"$WORK/log" &
  PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/info" ] && return 0; sleep 0.1; done
  echo "the $1 sandbox did not start:" >&2; cat "$WORK/log" >&2; exit 1
}

stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=""; }

bench() { # platform url token
  local rps
  rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $3" "$2" \
    | tee "$WORK/wrk-$1" | awk '/Requests\/sec/ {print $2}')
  grep -E "Non-2xx|Socket errors" "$WORK/wrk-$1" >&2 || true
  echo "$1: $rps req/s  (GET /${2#http://127.0.0.1:*/}, $THREADS threads, $CONNECTIONS connections, $DURATION)"
}

start genesys
echo "genesys: $(cat "$WORK/log") with $AGENTS agents and $SKILLS skills"
BASE=$(field base_url)
TOKEN=$(curl -s -u "$(field client_id):$(field client_secret)" -d grant_type=client_credentials "$BASE/oauth/token" \
  | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
bench genesys "$BASE/api/v2/routing/skills?pageSize=25" "$TOKEN"
stop

start cxone
echo "cxone: $(cat "$WORK/log") with $AGENTS agents and $SKILLS skills"
BASE=$(field base_url)
TOKEN=$(curl -s -u "$(field client_id):$(field client_secret)" \
  --data-urlencode grant_type=password --data-urlencode "username=$(field access_key_id)" \
  --data-urlencode "password=$(field access_key_secret)" "$BASE/auth/token" \
  | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
bench cxone "$BASE/incontactapi/services/v33.0/skills?top=25" "$TOKEN"
stop
