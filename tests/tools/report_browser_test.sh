#!/usr/bin/env bash
# The HTML report as a user sees it: Debian's chromium, headless, loads
# reports that dsim wrote and this test reads the page it rendered (the DOM
# after the page's script ran), checks the elements, the witness and that the
# page logged no error, and saves screenshots as test artefacts.
#
#   report_browser_test.sh DSIM CHROMIUM SOURCE_DIR ARTEFACT_DIR
set -euo pipefail
dsim=$1 chromium=$2 src=$3 artefacts=$4
mkdir -p "$artefacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# A failure about a rendered page shows what chromium saw: the <body> tag with
# the page's counters, and the end of chromium's log.
fail_page() {
  echo "FAIL: $2" >&2
  echo "  body: $(grep -o '<body[^>]*>' "$1.dom" | head -n 1)" >&2
  tail -n 8 "$1.log" | sed 's/^/  chromium: /' >&2
  exit 1
}

# Runs chromium on a page: the DOM to $1.dom, its log to $1.log, a screenshot.
render() {
  local page=$1 shot=$2 hash=${3:-}
  local flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
               --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --virtual-time-budget=60000)
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$page$hash" > "$page.dom" 2> "$page.log" ||
    fail "chromium could not load $page: $(tail -n 5 "$page.log")"
  timeout 120 "$chromium" "${flags[@]}" --window-size=1400,1100 --screenshot="$shot" "file://$page$hash" \
    > /dev/null 2>> "$page.log" || fail "chromium could not take a screenshot of $page"
  [ -s "$shot" ] || fail "no screenshot at $shot"
  grep -q 'data-ready="1"' "$page.dom" || fail_page "$page" "$page: the page's script did not finish (data-ready)"
  grep -q 'data-errors="0"' "$page.dom" || fail_page "$page" "$page: the page counted script errors"
  if grep -E 'Uncaught|CONSOLE.*(Error|error)' "$page.log"; then fail_page "$page" "$page: the page logged an error"; fi
  grep -q 'http://\|https://' "$page" && fail "$page: the report refers to the network"
  grep -q '<script src\|<link ' "$page" && fail "$page: the report loads something from outside"
  return 0
}
# The number in a data- attribute of <body>.
attr() { sed -n "s/.*<body[^>]* data-$2=\"\([0-9]*\)\".*/\1/p" "$1.dom" | head -n 1; }

# 1. A linearizability failure: the stale read and the operations around it
#    are drawn on the history, with the witness text dsim run prints.
lin="$work/lease.html"
"$dsim" report "$src/scenarios/paxos/bugs/lease_without_margin.json" --seed=4 --out="$lin" > /dev/null && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "dsim report exits $rc on a failing seed (want 1, as dsim run)"
render "$lin" "$artefacts/report-linearizability.png"
for id in spacetime history latency search witness summary; do
  grep -q "id=\"$id\"" "$lin.dom" || fail "lease report: no #$id"
done
grep -q 'class="violation">linearizable<' "$lin.dom" || fail "lease report: the violated check is not shown"
grep -q 'not linearizable' "$lin.dom" || fail "lease report: no witness text"
[ "$(attr "$lin" witness-ops)" -ge 1 ] || fail "lease report: the witness names no operation on the history"
[ "$(attr "$lin" messages)" -ge 100 ] || fail "lease report: too few messages drawn"
[ "$(attr "$lin" ops)" -ge 100 ] || fail "lease report: too few operations drawn"
[ "$(attr "$lin" nodes)" = 9 ] || fail "lease report: want 9 lanes (3 servers, 6 clients), got $(attr "$lin" nodes)"
# Opened at #witness, the page starts zoomed to the witness's operations.
render "$lin" "$artefacts/report-witness.png" "#witness"
grep -q 'id="window">0 ns' "$lin.dom" && fail "lease report: #witness did not zoom"

# 2. A consensus failure (ZooKeeper's agreement, crashes and partitions).
zab="$work/zab.html"
"$dsim" report "$src/scenarios/zab/bugs/ack_before_persist.json" --seed=153 --out="$zab" > /dev/null || true
render "$zab" "$artefacts/report-agreement.png"
grep -q 'class="violation">agreement<' "$zab.dom" || fail "zab report: agreement is not shown as violated"

# 3. A clean run says so.
ok="$work/ok.html"
"$dsim" report "$src/scenarios/heartbeat/partition.json" --out="$ok" > /dev/null || fail "a clean run's report exits nonzero"
render "$ok" "$artefacts/report-pass.png"
grep -q 'Every check passed' "$ok.dom" || fail "clean report: no pass statement"

# 4. A big run stays usable: the lease scenario run for 25 s (about 100,000
#    events); the figures (first render, one redraw) are printed, not asserted.
big="$work/big.html"
python3 - "$src/scenarios/paxos/bugs/lease_without_margin.json" "$work/big.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["duration"] = "25s"
d["nemesis"]["stop"] = "24s"
json.dump(d, open(sys.argv[2], "w"))
PY
"$dsim" report "$work/big.json" --seed=4 --out="$big" > /dev/null || true
render "$big" "$artefacts/report-big.png" "#bench"
[ "$(attr "$big" handlers)" -ge 100000 ] || fail "big report: want 100,000 handler slices, got $(attr "$big" handlers)"
echo "big report: $(attr "$big" handlers) handler slices, $(attr "$big" messages) messages," \
     "$(attr "$big" ops) operations; first render $(attr "$big" render-ms) ms, one redraw $(attr "$big" redraw-ms) ms"
echo "lease report: $(attr "$lin" handlers) handler slices, first render $(attr "$lin" render-ms) ms"
echo "PASS: screenshots in $artefacts"
