#!/usr/bin/env bash
# The Linux package as a user gets it: installs dist/*.deb with apt (dependencies resolved), checks
# both faces are installed (the app with its menu entry and icons, `skillsync` on the PATH), runs
# the installed CLI (--version, and a plan against `skillsync sandbox`), starts the installed app
# under Xvfb and takes a screenshot of it, then removes the package and checks nothing is left.
# Needs root (apt). Builds the package first when dist/ has none (scripts/package.sh, 7+ minutes).
# Prints "N passed, N failed". SKILLSYNC_PACKAGE_SHOT=FILE keeps the screenshot.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0 failed=0
check() { # check "what" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok   $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi
}

deb=$(ls dist/*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
  bash scripts/package.sh || { echo "0 passed, 1 failed"; exit 1; }
  deb=$(ls dist/*.deb | head -1)
fi
pkg=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
echo "== installing $deb ($pkg $version)"
source scripts/setup.sh
setup_app_test
apt_need imagemagick
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
check "dpkg lists $pkg as installed" dpkg-query -W "$pkg"
check "skillsync is on the PATH in /usr/bin" test "$(command -v skillsync)" = /usr/bin/skillsync
check "the app binary is installed" test -x /usr/bin/skillsync-app
desktop=$(dpkg -L "$pkg" | grep '\.desktop$' | head -1)
check "a menu entry is installed ($desktop)" test -f "$desktop"
check "the menu entry starts the app" grep -q '^Exec=skillsync-app' "$desktop"
check "icons are installed" bash -c "dpkg -L '$pkg' | grep -q '/usr/share/icons/hicolor/.*/apps/.*\.png'"
out=$(skillsync --version)
echo "     skillsync --version: $out"
check "skillsync --version names the package's version" test "$out" = "skillsync $version"

# A plan against the installed CLI's own sandbox.
tmp=$(mktemp -d)
skillsync sandbox --platform genesys --tenant examples/demo-tenant.json --port 0 >"$tmp/sb.json" 2>/dev/null &
sb=$!
for _ in $(seq 100); do [ -s "$tmp/sb.json" ] && break; sleep 0.1; done
read -r base id secret < <(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(d["base_url"], d["client_id"], d["client_secret"])' "$tmp/sb.json")
SKILLSYNC_CLIENT_SECRET=$secret skillsync plan examples/demo-feed.csv --platform genesys --base-url "$base" \
  --client-id "$id" --mapping examples/genesys-mapping.toml --json >"$tmp/plan.json" 2>"$tmp/plan.err"
code=$?
echo "     plan: exit $code, $(tail -1 "$tmp/plan.json")"
check "the installed CLI plans against the sandbox (exit 0)" test "$code" -eq 0
check "the plan's summary counts the feed's 52 rows" grep -q '"rows":52' "$tmp/plan.json"
kill "$sb" 2>/dev/null; wait "$sb" 2>/dev/null

# The installed app in a window, as a person starts it from the menu.
shot=${SKILLSYNC_PACKAGE_SHOT:-$tmp/app.png}
XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data WEBKIT_DISABLE_COMPOSITING_MODE=1 \
  timeout 60 xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- bash -c '
    /usr/bin/skillsync-app & app=$!
    sleep 8
    import -window root "$1"
    alive=0; kill -0 $app 2>/dev/null && alive=1
    kill $app 2>/dev/null; wait $app 2>/dev/null
    [ $alive -eq 1 ]' _ "$shot" 2>"$tmp/app.err"
check "the installed app starts and keeps running" test $? -eq 0
check "a screenshot of the installed app was taken ($shot)" test -s "$shot"
# A window that rendered is not one flat colour.
colours=$(convert "$shot" -format %k info: 2>/dev/null || echo 0)
echo "     screenshot colours: $colours"
check "the screenshot shows a rendered window" test "${colours:-0}" -gt 50

echo "== removing $pkg"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$pkg" >/dev/null
check "the package is removed" bash -c "! dpkg-query -W -f='\${Status}' '$pkg' 2>/dev/null | grep -q 'install ok installed'"
check "skillsync is gone from /usr/bin" test ! -e /usr/bin/skillsync
check "the app is gone from /usr/bin" test ! -e /usr/bin/skillsync-app
rm -rf "$tmp"
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
