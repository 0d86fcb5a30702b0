#!/usr/bin/env bash
# tests/cli/test_browser.sh - the public pages in a real browser (issue 8):
# `dagplan export CITYDIR --html`, the same overview served by `dagplan serve
# CITYDIR` (a week page and the list of weeks), `dagplan report CITYDIR` and
# the overview of a summer week (camps with and without overnight stay) are
# opened in headless Chromium
# (Debian's chromium, driven by playwright-core from npm) by
# tests/tools/browser_check.mjs: screenshots (PNG files in DP_WORK), every
# filter against the schedule JSONs, keyboard use, the English toggle, no
# console errors, axe-core (npm) with zero violations, a 375 px phone without
# horizontal scroll.
#
# Needs chromium (scripts/deps --test installs it) and npm (playwright-core
# and axe-core are installed once into the build tree). It is skipped only
# when DP_SKIP_BROWSER=1 is set; a missing browser is a failure, not a skip.
set -euo pipefail
: "${DAGPLAN:?}" "${DP_SOURCE_DIR:?}" "${DP_WORK:?}" "${DP_NODE_DIR:?}" "${DP_GEN_INSTANCE:?}"
if [ "${DP_SKIP_BROWSER:-0}" = 1 ]; then
  echo "skipped: DP_SKIP_BROWSER=1"
  exit 0
fi
rm -rf "$DP_WORK" && mkdir -p "$DP_WORK" && cd "$DP_WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

chromium=${DP_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || fail "$chromium is missing (scripts/deps --test installs Debian's chromium)"
command -v node >/dev/null || fail "node is missing (scripts/deps --test installs nodejs and npm)"

# playwright-core (drives the system Chromium; downloads no browser) and
# axe-core, pinned, in their own prefix of the build tree, installed once.
node_dir="$DP_NODE_DIR/browser"
pins="playwright-core@1.65.1 axe-core@4.14.1"
if [ "$(cat "$node_dir/.pins" 2>/dev/null)" != "$pins" ]; then
  command -v npm >/dev/null || fail "npm is missing (scripts/deps --test installs nodejs and npm)"
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  # shellcheck disable=SC2086
  npm install --no-audit --no-fund --prefix "$node_dir" $pins >/dev/null
  echo "$pins" >"$node_dir/.pins"
fi

python3 "$DP_GEN_INSTANCE" --out m --municipality 3 --children 60 --seed 9 >/dev/null
"$DAGPLAN" solve m --threads 2 --seed 1 --max-moves 4000 --quiet --json-dir json
"$DAGPLAN" export m --html overview >/dev/null
"$DAGPLAN" report m --out report >/dev/null
mkdir -p shots

# The same overview from `dagplan serve CITYDIR` (the week falls back to the
# weekly template the JSONs hold), and its list of weeks.
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT
"$DAGPLAN" serve m --listen 127.0.0.1:0 --week 2027-W03 --weeks 2 --quiet >serve.out 2>serve.err &
pid=$!
for _ in $(seq 300); do grep -q '^listening on ' serve.out && break; sleep 0.2; done
base=$(sed -n 's|^listening on \(http://.*\)$|\1|p' serve.out)
[ -n "$base" ] || fail "the server did not start: $(cat serve.err)"

urls=(--overview "file://$PWD/overview/index.html" --overview "$base/overview/2027-W03.html"
      --report "file://$PWD/report/index.html" --page "$base/overview/")
node "$DP_SOURCE_DIR/tests/tools/browser_check.mjs" "$node_dir" shots m json "${urls[@]}"

# A summer municipality (camps, some with overnight stay; tests/tools/
# summerize.py as in test_summer.sh): the overview of one week with its
# fourth filter.
python3 "$DP_GEN_INSTANCE" --out s --municipality 3 --children 60 --seed 5 --shape summer >/dev/null
for d in s/*/; do python3 "$DP_SOURCE_DIR/tests/tools/summerize.py" "$d"; done
"$DAGPLAN" solve s --week 2027-W27 --threads 2 --max-moves 20000 --quiet --json-dir sjson
"$DAGPLAN" export s --html summer --week 2027-W27 >/dev/null
mkdir -p shots/summer
node "$DP_SOURCE_DIR/tests/tools/browser_check.mjs" "$node_dir" shots/summer s sjson \
  --overview "file://$PWD/summer/index.html" --expect-overnight
ls shots/*.png >/dev/null || fail "no screenshots"
echo "ok: browser checks passed; screenshots in $DP_WORK/shots"
