#!/usr/bin/env bash
# cargo's runner for x86_64-pc-windows-gnu test binaries (scripts/windows.sh): puts the Wine-only
# ProcessPrng stand-in beside the .exe and runs it under Wine.
set -euo pipefail
exe="$1"
shift
cp -f "$SKILLSYNC_WINE_SHIM" "$(dirname "$exe")/bcryptprimitives.dll"
exec /usr/lib/wine/wine64 "$exe" "$@"
