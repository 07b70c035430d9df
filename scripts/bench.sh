#!/usr/bin/env bash
# Skillsync's lead, measured in one go against the same sandbox build and rate limit:
#   scripts/bench.sh plan    `skillsync plan FEED --json` at 10k, 100k and 1M rows against a generated
#                            20,000-agent, 300-skill sandbox, next to Python's bare csv read of the same file
#   scripts/bench.sh writes  Skillsync's apply and a per-row script (scripts/bench/per_row_loop.py: one
#                            request per row, sequential, a fixed sleep, no read of the current state),
#                            each on a fresh sandbox holding the same tenant, run then re-run
#   scripts/bench.sh         both
# Environment: see scripts/bench/compare.py (PLATFORMS, RUNS, SIZES, W_AGENTS, LIMIT, SLEEP, ...).
# Needs python3 and GNU time (apt-get install time). Tables go to stdout as Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /usr/bin/time ] || { echo "GNU time is required: apt-get install time" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }
cargo build --release --quiet --locked -p skillsync-cli
BIN=target/release/skillsync
WORK=$(mktemp -d)
export WORK
trap 'rm -rf "$WORK"' EXIT

echo "machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), \
$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr); \
skillsync $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo '+changes'), $(python3 --version)"
case "${1:-all}" in
  plan) python3 scripts/bench/compare.py "$BIN" plan ;;
  writes) python3 scripts/bench/compare.py "$BIN" writes ;;
  all)
    python3 scripts/bench/compare.py "$BIN" plan
    echo
    python3 scripts/bench/compare.py "$BIN" writes
    ;;
  *) echo "usage: $0 [plan|writes]" >&2; exit 2 ;;
esac
