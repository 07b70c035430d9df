#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every test (unit, sandbox over real HTTP, engine
# end to end, CLI) inside a throwaway D-Bus session with an unlocked keychain, so the profile tests
# exercise the real OS keychain. Installs what a fresh Debian machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "== rustfmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --locked --workspace --all-targets -q -- -D warnings
echo "== build"
cargo build --locked --workspace --tests --benches -q

keyring_dir=$(mktemp -d)
trap 'rm -rf "$keyring_dir"' EXIT
echo "== tests (inside a D-Bus session with gnome-keyring)"
set +e
XDG_DATA_HOME="$keyring_dir" dbus-run-session -- bash -c '
  echo -n skillsync-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test --locked --workspace --no-fail-fast 2>&1 | tee /tmp/skillsync-test.log
  exit "${PIPESTATUS[0]}"
'
rc=$?
passed=$(grep -Eo "test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed" /tmp/skillsync-test.log | awk "{s+=\$4; f+=\$6} END {print s+0, f+0}")
echo "cargo test total: ${passed% *} passed, ${passed#* } failed"
exit $rc
