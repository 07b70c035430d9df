#!/usr/bin/env bash
# Builds the release packages of this machine's OS with Tauri's bundler. On Linux: a .deb and an
# .rpm that install both faces — the desktop app (/usr/bin/skillsync-app, its menu entry and icons)
# and the `skillsync` CLI on the PATH (/usr/bin/skillsync, from bundle.linux.{deb,rpm}.files in
# src-tauri/tauri.conf.json). AppImage is left out: its tooling is downloaded at bundle time.
# Windows (NSIS) and macOS (dmg) packages are built by .github/workflows/release.yml on their
# own runners. Output: dist/. A release build takes 7+ minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_base
setup_app
export CARGO_INCREMENTAL=0

bundles=${SKILLSYNC_BUNDLES:-deb,rpm}
echo "== the CLI (release)"
cargo build --release --locked -p skillsync-cli
echo "== the app and its packages ($bundles); tauri build runs the UI build first"
# bundle.active stays false in tauri.conf.json so everyday builds never bundle; switched on here.
node node_modules/@tauri-apps/cli/tauri.js build --ci --bundles "$bundles" --config src-tauri/tauri.release.conf.json

mkdir -p dist
find target/release/bundle -maxdepth 2 -type f \( -name '*.deb' -o -name '*.rpm' \) -exec cp {} dist/ \;
echo "== packages in dist/"
ls -l dist/
