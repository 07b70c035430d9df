#!/usr/bin/env bash
# The Windows part of the test command: the CLI and the desktop app built for Windows
# (x86_64-pc-windows-gnu, linked with MinGW-w64), and the Windows CLI's cases
# (crates/cli/tests/windows.rs) run under Wine against the Linux sandbox on 127.0.0.1. The app is
# built and linked, not run: Wine has no WebView2. Ends with `windows (Wine): N passed, N failed`
# and the time it took; exits 1 when a build or a case fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_base
setup_windows
started=$(date +%s)
target=x86_64-pc-windows-gnu
work=$(mktemp -d)
cleanup() {
  WINEPREFIX="$work/prefix" wineserver -k >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
status=0

echo "== windows: build the CLI and the app for $target"
cargo build --locked --target "$target" -p skillsync-cli -q
# The app embeds the UI (ui/dist, built by the test command before this script).
[ -f ui/dist/index.html ] || npm run -s ui:build
cargo build --locked --target "$target" -p skillsync-app -q
for exe in skillsync.exe skillsync-app.exe; do
  file -b "target/$target/debug/$exe" | grep -q "PE32+" || { echo "windows: $exe is not a Windows executable"; exit 1; }
done

echo "== windows: the CLI's cases under Wine ($(wine --version 2>/dev/null || echo wine))"
cp "target/$target/debug/skillsync.exe" "$work/"
# Wine 8 has no bcryptprimitives.dll (ProcessPrng, which Rust's std imports): a stand-in beside
# the .exe, for Wine only. It is never part of a release.
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c tests/windows/bcryptprimitives.def -ladvapi32
# A helper that installs a root CA in the current user's Windows certificate store (the test of
# trust through the OS store).
x86_64-w64-mingw32-gcc -O2 -o "$work/addroot.exe" tests/windows/addroot.c -lcrypt32
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
/usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1 || true
wineserver -w
# One wineserver for every case, and Wine's services started now with no terminal attached (they
# outlive the programs that start them and would hold their output open).
wineserver -p
/usr/lib/wine/wine64 cmd /c exit </dev/null >/dev/null 2>&1 || true
set +e
SKILLSYNC_WINDOWS_EXE="$work/skillsync.exe" SKILLSYNC_REQUIRE_WINE=1 \
  cargo test --locked -p skillsync-cli --test windows -- --test-threads=1 2>&1 | tee "$work/windows.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
result=$(grep -Eo "test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed" "$work/windows.log" | tail -1)
passed=$(echo "$result" | awk '{print $4}')
failed=$(echo "$result" | awk '{print $6}')
[ -n "$result" ] || { passed=0; failed=1; status=1; }
echo "windows (Wine): ${passed} passed, ${failed} failed"
echo "windows: took $(( $(date +%s) - started )) s (builds included)"
exit $status
