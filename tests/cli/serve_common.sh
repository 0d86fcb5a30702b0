# tests/cli/serve_common.sh - the set-up the `dagplan serve` tests share,
# sourced by them (ctest runs only test_*.sh). They run under
# `set -euo pipefail` and stop at the first failure, showing the end of the
# server's log (serve.err); this gives them an empty DP_WORK as the current
# directory, stops the server they started (its id in $pid) on exit, counts
# passed checks (ok) and waits by bounded polls, never by timing assertions.
rm -rf "$DP_WORK" && mkdir -p "$DP_WORK" && cd "$DP_WORK"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server log:" >&2; tail -n 30 serve.err >&2 || true; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
# poll CMD...: retries for up to 60 s.
poll() { for _ in $(seq 300); do if "$@"; then return 0; fi; sleep 0.2; done; return 1; }
# code URL [curl options...]: the HTTP status of a request.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
