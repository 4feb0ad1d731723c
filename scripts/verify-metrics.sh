#!/bin/sh
# Checks the monitoring side with promtool (Debian's `prometheus` package; `make test` installs it):
#   - promtool check rules / test rules on deploy/prometheus/yunfu-report.rules{,.test}.yml,
#   - promtool check metrics on the metrics.prom of a real run: `yunfu-report demo` against the
#     simulated platform, into a temporary folder. Fails on any lint message.
#
#   scripts/verify-metrics.sh /path/to/built/yunfu-report
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
rules="$here/deploy/prometheus"

if [ $# -ne 1 ]; then
    echo "usage: $0 /path/to/yunfu-report" >&2
    exit 2
fi
binary=$1
case $binary in
    /*) ;;
    *) binary="$(pwd)/$binary" ;;
esac
if [ ! -x "$binary" ]; then
    echo "verify-metrics: $binary is not an executable file (build it first: swift build)" >&2
    exit 2
fi
if ! command -v promtool >/dev/null 2>&1; then
    echo "verify-metrics: promtool not found (apt-get install prometheus; scripts/install-deps.sh --test does)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/verify-metrics.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

promtool check rules "$rules/yunfu-report.rules.yml"
(cd "$rules" && promtool test rules yunfu-report.rules.test.yml)

# A real run's file: the demo's fleet (complete, with expired lines and saturated nodes).
status=0
(cd "$work" && "$binary" demo --accounts 30 --run-dir "$work/run" --quiet >"$work/demo.out" 2>&1) || status=$?
if [ ! -f "$work/run/metrics.prom" ]; then
    echo "verify-metrics: the demo run (exit $status) wrote no metrics.prom:" >&2
    cat "$work/demo.out" >&2
    exit 1
fi
lint=$(promtool check metrics <"$work/run/metrics.prom" 2>&1) || {
    echo "verify-metrics: promtool check metrics failed on the demo's metrics.prom:" >&2
    printf '%s\n' "$lint" >&2
    exit 1
}
if [ -n "$lint" ]; then
    echo "verify-metrics: promtool check metrics reported:" >&2
    printf '%s\n' "$lint" >&2
    exit 1
fi
echo "verify-metrics: rules checked and tested; the demo's metrics.prom ($(grep -c '^yunfu_report_' "$work/run/metrics.prom") samples) passes promtool check metrics with no message ($(promtool --version 2>&1 | head -n 1))"
