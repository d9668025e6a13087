#!/usr/bin/env bash
# The HTML matrix in a real browser: headless Chromium loads a report of two
# clients (the reference and a broken one) and the test checks that its
# script ran to the end without an error and that the summary is shown.
# Usage: report_browser_test.sh <gearspec> <reference adapter> <cases dir> <work dir>
# Exit 77 (skipped) when Chromium is not installed.
set -euo pipefail
gearspec="$1" adapter="$2" cases="$3" work="$4"
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "chromium not installed (Debian package chromium; scripts/install-deps installs it)" >&2
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
common=(--suite "$cases" --cases 'submit-bg/*,handle/*,malformed/*' --no-progress)
"$gearspec" run --client reference --label reference --json "$work/ok.json" "${common[@]}" >/dev/null
status=0
"$gearspec" run --client "$adapter --break=success-on-error" --label broken --json "$work/broken.json" \
  "${common[@]}" >/dev/null || status=$?
[[ $status == 1 ]] || { echo "the broken client should fail (exit 1), got $status" >&2; exit 1; }
"$gearspec" report --html "$work/matrix.html" "$work/ok.json" "$work/broken.json"

# --dump-dom prints the document after its scripts ran (as root Chromium needs --no-sandbox).
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --user-data-dir="$work/profile" --dump-dom "file://$work/matrix.html" >"$work/dom.html" 2>"$work/browser.log" ||
  { echo "chromium failed:" >&2; tail -n 20 "$work/browser.log" >&2; exit 1; }

fail() { echo "FAILED: $*" >&2; exit 1; }
head -c 300 "$work/dom.html" | grep -q 'data-ready="1"' || fail "the page's script did not run to the end"
grep -q 'data-script-error' "$work/dom.html" && fail "script error: $(grep -o 'data-script-error="[^"]*"' "$work/dom.html")"
grep -q '<table id="summary">' "$work/dom.html" || fail "no summary table"
grep -q '<tr><th>submit-bg</th>' "$work/dom.html" || fail "no submit-bg row in the summary"
grep -q 'class="FAILED' "$work/dom.html" || fail "the broken client's failures are not shown"
# The filter ran: all-OK rows are hidden, rows with a failure are not.
grep -q '<tr data-grades="OK" class="allok" hidden=""' "$work/dom.html" || fail "all-OK rows are not hidden by the filter"
size=$(stat -c %s "$work/matrix.html")
echo "report_browser_test: page of $size bytes loaded in Chromium, script ran, summary shown"
