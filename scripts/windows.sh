#!/usr/bin/env bash
# The Windows part of the test command: the CLI and the desktop app built for Windows
# (x86_64-pc-windows-gnu, linked with MinGW-w64), and the Windows CLI's cases
# (crates/cli/tests/windows.rs) run under Wine against the Linux sandbox on 127.0.0.1, with the
# engine's unit tests built for Windows and run under Wine too. The app is
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
# Lints of the code only Windows compiles (cfg(windows)), as strict as the Linux ones.
cargo clippy --locked --target "$target" -p skillsync-core -p skillsync-cli -p skillsync-app -q -- -D warnings
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
# The engine's unit tests, built for Windows and run under Wine (files, journal locks, paths).
echo "== windows: the engine's unit tests under Wine"
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$PWD/tests/windows/runner.sh" SKILLSYNC_WINE_SHIM="$work/bcryptprimitives.dll" \
  cargo test --locked --target "$target" -p skillsync-core --lib 2>&1 | tee "$work/core.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
echo "== windows: the Windows CLI's cases"
SKILLSYNC_WINDOWS_EXE="$work/skillsync.exe" SKILLSYNC_REQUIRE_WINE=1 \
  cargo test --locked -p skillsync-cli --test windows -- --test-threads=1 2>&1 | tee "$work/windows.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
counts() { grep -Eo "test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed" "$1" | tail -1 | awk '{print $4, $6}'; }
read -r core_passed core_failed <<<"$(counts "$work/core.log")"
read -r cli_passed cli_failed <<<"$(counts "$work/windows.log")"
[ -n "${core_passed:-}" ] || { core_passed=0; core_failed=1; status=1; }
[ -n "${cli_passed:-}" ] || { cli_passed=0; cli_failed=1; status=1; }
echo "windows: engine unit tests ${core_passed} passed, ${core_failed} failed; CLI cases ${cli_passed} passed, ${cli_failed} failed"
echo "windows (Wine): $((core_passed + cli_passed)) passed, $((core_failed + cli_failed)) failed"
echo "windows: took $(( $(date +%s) - started )) s (builds included)"
exit $status
