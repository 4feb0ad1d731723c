#!/bin/sh
# Mails the newest yunfu-report run: the HTML report as the body, the workbook attached, MIME-built
# with base64 and handed to msmtp (or any sendmail-compatible command). Used by
# yunfu-report-mail@.service (OnSuccess=/OnFailure= of yunfu-report.service) and by the cron line.
#
# Environment:
#   MAIL_TO               recipients, comma separated (required)
#   MAIL_FROM             sender (default: yunfu-report@$(hostname))
#   MAIL_SUBJECT_PREFIX   default "[yunfu-report]"
#   OUTPUT_ROOT           the job's output_root (default /var/lib/yunfu-report); the run mailed is
#                         OUTPUT_ROOT/latest
#   MAIL_COMMAND          the command that sends a message read on standard input, recipients taken
#                         from its headers (default: msmtp with ${CREDENTIALS_DIRECTORY}/msmtprc
#                         when that file exists, else `msmtp -t`, else `sendmail -t -i`)
#   MAIL_MAX_AGE_MINUTES  a latest/ run older than this is not this night's (default 720)
#   MONITOR_EXIT_STATUS, MONITOR_SERVICE_RESULT  set by systemd for OnSuccess=/OnFailure= units;
#                         from cron pass the job's status: EXIT_STATUS=$? mail-report.sh
#   MAIL_DRY_RUN=1        write the message to standard output instead of sending it
set -eu

output_root=${OUTPUT_ROOT:-/var/lib/yunfu-report}
prefix=${MAIL_SUBJECT_PREFIX:-[yunfu-report]}
max_age=${MAIL_MAX_AGE_MINUTES:-720}
status=${MONITOR_EXIT_STATUS:-${EXIT_STATUS:-}}
result=${MONITOR_SERVICE_RESULT:-}

if [ -z "${MAIL_TO:-}" ]; then
    echo "mail-report: MAIL_TO is not set (set it in /etc/yunfu-report/mail.env)" >&2
    exit 2
fi
from=${MAIL_FROM:-yunfu-report@$(hostname 2>/dev/null || echo localhost)}

# What the exit status means (report-contract.md "Exit status").
case $status in
    0) verdict="ok" ;;
    1) verdict="PARTIAL: some accounts failed, the run was interrupted or a file could not be written" ;;
    2) verdict="FAILED: bad usage or configuration, nothing fetched" ;;
    3) verdict="FINDINGS at or above --fail-on" ;;
    4) verdict="FAILED: the run directory could not be written" ;;
    130 | INT) verdict="STOPPED by SIGINT, nothing written" ;;
    143 | TERM) verdict="STOPPED by SIGTERM, nothing written" ;;
    "") verdict="run finished" ;;
    *) verdict="FAILED: exit status $status${result:+ ($result)}" ;;
esac

latest="$output_root/latest"
html=""
xlsx=""
fresh=no
if [ -d "$latest" ]; then
    for f in "$latest"/*.html; do [ -f "$f" ] && html=$f && break; done
    for f in "$latest"/*.xlsx; do [ -f "$f" ] && xlsx=$f && break; done
    # The newest run only, not a stale one left by a night that wrote nothing.
    if [ -f "$latest/manifest.json" ] && [ -n "$(find "$latest/manifest.json" -mmin "-$max_age" 2>/dev/null)" ]; then
        fresh=yes
    fi
fi
run_name=$(basename "$(readlink -f "$latest" 2>/dev/null || echo "$latest")")

case $status in
    0 | 1 | 3 | "") mail_report=$fresh ;;
    *) mail_report=no ;;
esac

boundary="=_yunfu_report_$(date +%s)_$$"
subject_text="$prefix $run_name: $verdict"
[ "$mail_report" = yes ] || subject_text="$prefix $verdict"

# RFC 2047 for a subject that is not plain ASCII.
encode_header() {
    if printf '%s' "$1" | LC_ALL=C grep -q '[^ -~]'; then
        printf '=?UTF-8?B?%s?=' "$(printf '%s' "$1" | base64 | tr -d '\n')"
    else
        printf '%s' "$1"
    fi
}

build_message() {
    printf 'From: %s\n' "$from"
    printf 'To: %s\n' "$MAIL_TO"
    printf 'Subject: %s\n' "$(encode_header "$subject_text")"
    printf 'Date: %s\n' "$(LC_ALL=C date -R)"
    printf 'MIME-Version: 1.0\n'
    printf 'Auto-Submitted: auto-generated\n'
    if [ "$mail_report" = yes ] && [ -n "$html" ]; then
        printf 'Content-Type: multipart/mixed; boundary="%s"\n\n' "$boundary"
        printf 'This is a MIME message: the report is the HTML part, the workbook is attached.\n\n'
        printf -- '--%s\n' "$boundary"
        printf 'Content-Type: text/html; charset=UTF-8\n'
        printf 'Content-Transfer-Encoding: base64\n\n'
        base64 <"$html"
        if [ -n "$xlsx" ]; then
            name=$(basename "$xlsx")
            printf -- '\n--%s\n' "$boundary"
            printf 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name="%s"\n' "$name"
            printf 'Content-Disposition: attachment; filename="%s"\n' "$name"
            printf 'Content-Transfer-Encoding: base64\n\n'
            base64 <"$xlsx"
        fi
        printf -- '\n--%s--\n' "$boundary"
    else
        printf 'Content-Type: text/plain; charset=UTF-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n\n'
        printf 'yunfu-report: %s.\n\n' "$verdict"
        if [ "$mail_report" = no ] && [ "$fresh" = yes ] && [ -z "$html" ]; then
            printf 'The run is in %s, but it holds no HTML report (report.formats).\n' "$latest"
        else
            printf 'This run wrote no new report; %s points to %s.\n' "$latest" "$run_name"
        fi
        printf '\nSee the journal: journalctl -u yunfu-report.service -n 200\n'
    fi
}

if [ "${MAIL_DRY_RUN:-}" = 1 ]; then
    build_message
    exit 0
fi

if [ -n "${MAIL_COMMAND:-}" ]; then
    # Deliberately split into words: MAIL_COMMAND is a command line.
    # shellcheck disable=SC2086
    build_message | $MAIL_COMMAND
elif command -v msmtp >/dev/null 2>&1; then
    if [ -n "${CREDENTIALS_DIRECTORY:-}" ] && [ -f "$CREDENTIALS_DIRECTORY/msmtprc" ]; then
        build_message | msmtp -C "$CREDENTIALS_DIRECTORY/msmtprc" -t
    else
        build_message | msmtp -t
    fi
elif [ -x /usr/sbin/sendmail ]; then
    build_message | /usr/sbin/sendmail -t -i
else
    echo "mail-report: neither msmtp nor /usr/sbin/sendmail is installed (or set MAIL_COMMAND)" >&2
    exit 1
fi
