#!/usr/bin/env bash
# Screenshot an HTML review page in headless Chromium, offline.
# Usage: scripts/screenshot_review.sh PAGE.html [OUT.png] [WIDTHxHEIGHT]
set -euo pipefail
page="${1:?usage: $0 PAGE.html [OUT.png] [WIDTHxHEIGHT]}"
out="${2:-/tmp/review.png}"
size="${3:-1400,900}"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$browser" ]; then
  echo "chromium not found (Debian: apt-get install -y chromium)" >&2
  exit 127
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
page_abs="$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --screenshot="$out_abs" --window-size="${size/x/,}" \
  "file://$page_abs" >/dev/null 2>&1
test -s "$out_abs"
echo "$out_abs"
