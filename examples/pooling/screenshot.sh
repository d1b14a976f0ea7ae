#!/bin/sh
# Screenshot the pooling figures and reports in headless Chromium (Debian: apt-get install chromium)
# to check that they render: writes one PNG per SVG/HTML file into OUT (default /tmp/hstan-pooling-png).
# Usage: examples/pooling/screenshot.sh [FILE.svg|FILE.html ...]   (default: every figure and report
# under examples/pooling/). Set CHROMIUM to the browser's command if it is not `chromium`.
set -eu
browser=${CHROMIUM:-chromium}
out=${OUT:-/tmp/hstan-pooling-png}
command -v "$browser" >/dev/null 2>&1 || { echo "screenshot.sh: '$browser' not found (apt-get install chromium, or set CHROMIUM)" >&2; exit 1; }
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
[ $# -gt 0 ] || set -- $(ls examples/pooling/*/*.svg examples/pooling/*/*.html 2>/dev/null)
for f in "$@"; do
  name=$(echo "$f" | sed 's|^examples/pooling/||; s|/|-|g; s|\.[a-z]*$||')
  case "$f" in *.html) ext=html ;; *) ext=svg ;; esac
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$out/$name-$ext.png" --window-size=1200,900 "file://$(realpath "$f")" >/dev/null 2>&1
  echo "$out/$name-$ext.png"
done
