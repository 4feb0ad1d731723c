#!/bin/bash
# Runs two binaries of yunfu-report against the same generated fleet (a fresh simulator each, so
# that first-request faults hit both) and compares their run directories: every file byte for
# byte but the workbook, manifest.json and metrics.prom; the manifests and metrics.prom with their
# times (and the hash of metrics.prom) left out; the workbooks
# cell by cell (values and formatting) with scripts/xlsx-cells-equal.py. Not part of `make test`.
#
#   scripts/compare-runs.sh OLD_BINARY NEW_BINARY [simulate options...]
#   scripts/compare-runs.sh /tmp/yunfu-old .build/debug/yunfu-report --drift all
#   scripts/compare-runs.sh /tmp/yunfu-old .build/debug/yunfu-report --fault-rate 0.05 --faults 503,html502,404
#
# The fleet: 600 users with 3 sub-accounts each (2,400 accounts), seed 11; --archive-raw.
set -u
OLD=$1 NEW=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for side in old new; do
    bin=$OLD; [ "$side" = new ] && bin=$NEW
    SIMULATE="--seed 11 $*" "$HERE/run-fleet.sh" "$bin" 600 "$WORK/$side" --archive-raw >"$WORK/$side.out" 2>&1
    echo "$side: $(tail -1 "$WORK/$side.out")"
done
status=0
files=0
for f in $(cd "$WORK/old" && find . -type f | sort); do
    files=$((files + 1))
    case $f in
    ./manifest.json | ./metrics.prom | *.xlsx) continue ;;
    esac
    cmp -s "$WORK/old/$f" "$WORK/new/$f" || { echo "differs: $f"; status=1; }
done
[ "$(cd "$WORK/old" && find . -type f | sort)" = "$(cd "$WORK/new" && find . -type f | sort)" ] ||
    { echo "the two runs wrote different files"; status=1; }
strip_times() { grep -v -E '"(started_at|finished_at)"|\.xlsx"|"metrics\.prom": "[0-9a-f]' "$1"; }
metric_times='^yunfu_report_run_(timestamp|duration)_seconds '
diff <(grep -v -E "$metric_times" "$WORK/old/metrics.prom") <(grep -v -E "$metric_times" "$WORK/new/metrics.prom") ||
    { echo "differs: metrics.prom (the run's times left out)"; status=1; }
python3 -m json.tool "$WORK/old/manifest.json" >"$WORK/old.json"
python3 -m json.tool "$WORK/new/manifest.json" >"$WORK/new.json"
diff <(strip_times "$WORK/old.json") <(strip_times "$WORK/new.json") ||
    { echo "differs: manifest.json (times and the workbook's hash left out)"; status=1; }
"$HERE/xlsx-cells-equal.py" "$WORK"/old/*.xlsx "$WORK"/new/*.xlsx || status=1
echo "$files files compared; $([ $status = 0 ] && echo same || echo DIFFERENT)"
exit $status
