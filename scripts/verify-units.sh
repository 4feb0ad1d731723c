#!/bin/sh
# Verifies the systemd units of deploy/ with `systemd-analyze verify`, failing on ANY output.
#
#   scripts/verify-units.sh /abs/path/to/built/yunfu-report
#
# systemd-analyze checks that every ExecStart= binary exists, so the units are copied to a
# temporary directory with ExecStart= pointed at the given binary (and at this checkout's
# deploy/mail-report.sh). Prints "SKIP: systemd-analyze not installed" and exits 0 where the tool
# is missing.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
deploy="$here/deploy"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIP: systemd-analyze not installed"
    exit 0
fi

if [ $# -ne 1 ]; then
    echo "usage: $0 /absolute/path/to/yunfu-report" >&2
    exit 2
fi
binary=$1
case $binary in
    /*) ;;
    *) binary="$(pwd)/$binary" ;;
esac
if [ ! -x "$binary" ]; then
    echo "verify-units: $binary is not an executable file (build it first: swift build)" >&2
    exit 2
fi
mailer="$deploy/mail-report.sh"
if [ ! -x "$mailer" ]; then
    echo "verify-units: $mailer is missing or not executable" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/verify-units.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

for unit in "$deploy"/*.service "$deploy"/*.timer; do
    [ -e "$unit" ] || continue
    sed -e "s#/usr/bin/yunfu-report#$binary#g" \
        -e "s#/usr/lib/yunfu-report/mail-report.sh#$mailer#g" \
        "$unit" >"$work/$(basename "$unit")"
done

# An instance of the template, as OnSuccess=/OnFailure= start it.
set -- "$work"/*.service "$work"/*.timer
instance=""
for unit in "$@"; do
    case $(basename "$unit") in
        *@.service)
            instance="$work/$(basename "$unit" .service)yunfu-report.service.service"
            cp "$unit" "$instance"
            ;;
    esac
done
units=""
for unit in "$@"; do
    case $(basename "$unit") in
        *@.service) ;;  # templates are verified through their instance
        *) units="$units $unit" ;;
    esac
done
[ -n "$instance" ] && units="$units $instance"

# --man=no: the Documentation= of the units points to a file, not a man page.
# SYSTEMD_LOG_COLOR=0 keeps escape codes out of the output we compare.
# shellcheck disable=SC2086
output=$(cd "$work" && SYSTEMD_LOG_COLOR=0 SYSTEMD_PAGER=cat systemd-analyze verify --man=no $units 2>&1) || status=$?
status=${status:-0}

if [ "$status" -ne 0 ] || [ -n "$output" ]; then
    echo "verify-units: systemd-analyze verify reported problems (exit $status):" >&2
    printf '%s\n' "$output" >&2
    exit 1
fi
echo "verify-units: $(echo $units | wc -w) units verified by $(systemd-analyze --version | head -n 1), no warnings"
