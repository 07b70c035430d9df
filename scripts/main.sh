#!/usr/bin/env bash
# The main job, with no account. On a machine with a display: builds and opens the desktop app,
# whose default profile is the built-in Sandbox (an imitation Genesys Cloud tenant in the app, with
# a sample feed one click away). Without a display: builds the CLI, starts a sandbox tenant (an
# imitation Genesys Cloud, then NICE CXone) and runs the CLI's whole job against it — plan, apply
# with report and undo file, then the same feed again to show that a re-run sends zero writes.
# SKILLSYNC_MAIN=cli forces the CLI job; SKILLSYNC_MAIN=app forces the app.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_base

mode=${SKILLSYNC_MAIN:-}
if [ -z "$mode" ]; then
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then mode=app; else mode=cli; fi
fi

if [ "$mode" = app ]; then
  setup_app
  echo "== building the UI and the desktop app"
  npm run -s ui:build
  cargo build --locked -q -p skillsync-app
  echo "== opening Skillsync (profile: the built-in Sandbox; Import → 'Use the sample feed' runs the whole job)"
  exec target/debug/skillsync-app
fi

echo "== building skillsync"
cargo build --locked -q -p skillsync-cli
bin=target/debug/skillsync
out=${SKILLSYNC_DEMO_OUT:-demo-output}
mkdir -p "$out"

field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\1/" <<<"$2"; }

run_platform() {
  local platform=$1 mapping=$2
  echo
  echo "== $platform: starting a sandbox tenant (examples/demo-tenant.json)"
  coproc SB { exec "$bin" sandbox --platform "$platform" --tenant examples/demo-tenant.json --rate-limit 300; }
  local line; read -r line <&"${SB[0]}"
  trap "kill $SB_PID 2>/dev/null || true" EXIT
  local url; url=$(field base_url "$line")
  echo "   sandbox at $url"
  export SKILLSYNC_CLIENT_SECRET; SKILLSYNC_CLIENT_SECRET=$(field client_secret "$line")
  if [ "$platform" = cxone ]; then
    export SKILLSYNC_ACCESS_KEY_ID SKILLSYNC_ACCESS_KEY_SECRET
    SKILLSYNC_ACCESS_KEY_ID=$(field access_key_id "$line"); SKILLSYNC_ACCESS_KEY_SECRET=$(field access_key_secret "$line")
  fi
  local conn=(--platform "$platform" --base-url "$url" --client-id "$(field client_id "$line")")
  echo "== $platform: plan (nothing is sent)"
  "$bin" plan examples/demo-feed.csv --mapping "$mapping" "${conn[@]}"
  echo "== $platform: apply"
  "$bin" apply examples/demo-feed.csv --mapping "$mapping" "${conn[@]}" --yes \
    --report "$out/$platform-report.html" --journal "$out/$platform-journal.jsonl" || true
  echo "== $platform: the same feed again (expect zero writes)"
  "$bin" apply examples/demo-feed.csv --mapping "$mapping" "${conn[@]}" --yes --json
  echo "== $platform: export of what the tenant holds now"
  "$bin" export "$out/$platform-export.csv" "${conn[@]}"
  kill "$SB_PID" 2>/dev/null || true
  wait "$SB_PID" 2>/dev/null || true
  trap - EXIT
}

run_platform genesys examples/genesys-mapping.toml
run_platform cxone examples/cxone-mapping.toml
echo
echo "Reports, undo files and exports are in $out/ (open $out/genesys-report.html in a browser)."
