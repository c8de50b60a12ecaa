#!/usr/bin/env bash
# Screenshots of a report.html as a phone (390 px) and a desktop (1280 px) show it, with
# headless Chromium (Debian's chromium package): OUT_DIR/report-390.png and report-1280.png.
# Headless Chromium keeps its window at least 500 px wide, so the page is laid out in an
# iframe of the exact width and the shot is cropped to it.
# The phone shot starts at PHONE_ANCHOR when given (a scenario's section: its chart and
# tables at phone width), the desktop shot at the top (the verdict table).
# Usage: scripts/screenshot-report.sh RESULTS_DIR OUT_DIR [PHONE_ANCHOR]   (make screenshots)
set -euo pipefail
results=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
phone_anchor=${3:-}
chromium=${UPTAKE_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] || { echo "error: headless Chromium is not installed (apt-get install chromium)" >&2; exit 2; }
[ -f "$results/report.html" ] || { echo "error: $results/report.html: no such file (uptake run writes it)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$results"/.screenshot-*.html' EXIT
for size in 390x2000 1280x1500; do
    width=${size%x*}; height=${size#*x}
    fragment=""
    if [ "$width" = 390 ] && [ -n "$phone_anchor" ]; then fragment="#$phone_anchor"; fi
    harness="$results/.screenshot-$width.html"
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0;display:block}</style></head><body><iframe src="report.html%s" scrolling="no" style="width:%spx;height:%spx"></iframe></body></html>\n' \
        "$fragment" "$width" "$height" > "$harness"
    "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$scratch/profile" --host-resolver-rules='MAP * ~NOTFOUND' --force-device-scale-factor=1 \
        --window-size="$width,$height" --screenshot="$out/report-$width.png" "file://$harness" >/dev/null 2>"$scratch/stderr" \
        || { cat "$scratch/stderr" >&2; exit 1; }
    echo "wrote $out/report-$width.png"
done
