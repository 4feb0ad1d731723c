#!/bin/bash
# Runs the job once against a generated fleet served by `yunfu-report simulate` (for profiling
# and memory figures; not part of `make test`).
#
#   scripts/run-fleet.sh BINARY USERS RUN_DIR [run options...]
#
# The fleet has USERS users with 3 sub-accounts each (seed 7, as `bench` uses); the job runs with
# --as-of 2026-11-25 --compare-to none into RUN_DIR. Environment:
#   PREFIX="heaptrack -o /tmp/ht"   run the job under a command (a profiler, strace)
#   SIMULATE="--drift all --faults 503 --fault-rate 0.05"   more options for the simulator
#   SAMPLE_RSS=1                     print the job's VmRSS and VmHWM every 0.25 s while it runs
#   LOG_LEVEL=debug                  the job logs at that level (it is --quiet otherwise); at debug
#                                    it says how long after the last answer the report was built
#                                    and written, and how long the workbook's sheets and close took
# Prints the job's exit status last.
set -u
BIN=$1 USERS=$2 RUN_DIR=$3
shift 3
PORT=${PORT:-18556}
WORK=$(mktemp -d)
trap 'kill $SIM 2>/dev/null; rm -rf "$WORK"' EXIT
export YUNFU_API_TOKEN=fleet-token
# shellcheck disable=SC2086
"$BIN" simulate --port "$PORT" --users "$USERS" --subs-per-user 3 --seed 7 --token "$YUNFU_API_TOKEN" \
    ${SIMULATE:-} >"$WORK/config.yaml" 2>"$WORK/simulate.log" &
SIM=$!
for _ in $(seq 100); do grep -q '^accounts:' "$WORK/config.yaml" 2>/dev/null && break; sleep 0.1; done
rm -rf "$RUN_DIR"
if [ -n "${LOG_LEVEL:-}" ]; then LOGGING=(--log-level "$LOG_LEVEL"); else LOGGING=(--quiet); fi
# shellcheck disable=SC2086
${PREFIX:-} "$BIN" run --config "$WORK/config.yaml" --as-of 2026-11-25 --run-dir "$RUN_DIR" --compare-to none \
    "${LOGGING[@]}" "$@" &
JOB=$!
if [ -n "${SAMPLE_RSS:-}" ]; then
    start=$(date +%s.%N)
    while kill -0 "$JOB" 2>/dev/null; do
        now=$(date +%s.%N)
        printf '%6.2f s  %s\n' "$(echo "$now - $start" | bc)" \
            "$(grep -E 'VmRSS|VmHWM' "/proc/$JOB/status" 2>/dev/null | tr -s ' \t' ' ' | paste -sd' ')"
        sleep 0.25
    done
fi
wait "$JOB"
echo "exit $?"
