#!/bin/sh
# Mails the newest yunfu-report run: the HTML report as the body (with a short plain-text
# alternative), the workbook attached, and hands the message to msmtp (or any sendmail-compatible
# command). Used by yunfu-report-mail@.service (OnSuccess=/OnFailure= of yunfu-report.service) and
# by the cron line. The message is built by Python's `email` package (the script below): RFC 2047
# encoded words of at most 75 characters, header lines folded at 76, a Message-ID and a Date.
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
#
# Exit status: 0 sent (or printed), 2 bad environment (MAIL_TO missing, a bad address or number),
# 1 no mail command, else the mail command's own status.
#
# Needs python3 (standard library only).
set -eu
if ! command -v python3 >/dev/null 2>&1; then
    echo "mail-report: python3 is not installed (apt-get install -y python3)" >&2
    exit 1
fi
exec python3 - "$@" <<'PY'
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def fail(message, status=2):
    print(f"mail-report: {message}", file=sys.stderr)
    sys.exit(status)


env = os.environ
output_root = env.get("OUTPUT_ROOT") or "/var/lib/yunfu-report"
prefix = env.get("MAIL_SUBJECT_PREFIX") or "[yunfu-report]"
status = env.get("MONITOR_EXIT_STATUS") or env.get("EXIT_STATUS") or ""
result = env.get("MONITOR_SERVICE_RESULT") or ""
try:
    max_age = int(env.get("MAIL_MAX_AGE_MINUTES") or "720")
except ValueError:
    fail(f"MAIL_MAX_AGE_MINUTES={env.get('MAIL_MAX_AGE_MINUTES')!r} is not a whole number of minutes")
mail_to = env.get("MAIL_TO") or ""
if not mail_to.strip():
    fail("MAIL_TO is not set (set it in /etc/yunfu-report/mail.env)")
hostname = socket.gethostname() or "localhost"
mail_from = env.get("MAIL_FROM") or f"yunfu-report@{hostname}"

# What the exit status means (report-contract.md "Exit status").
VERDICTS = {
    "0": "ok",
    "1": "PARTIAL: some accounts failed, the run was interrupted or a file could not be written",
    "2": "FAILED: bad usage or configuration, nothing fetched",
    "3": "FINDINGS at or above --fail-on",
    "4": "FAILED: the run directory could not be written",
    "130": "STOPPED by SIGINT, nothing written",
    "INT": "STOPPED by SIGINT, nothing written",
    "143": "STOPPED by SIGTERM, nothing written",
    "TERM": "STOPPED by SIGTERM, nothing written",
    "": "run finished",
}
verdict = VERDICTS.get(status) or f"FAILED: exit status {status}" + (f" ({result})" if result else "")
# The statuses after which the run wrote its reports.
wrote_reports = status in ("0", "1", "3", "")

# The run `latest` points to, and whether it is this night's.
latest = os.path.join(output_root, "latest")
run_dir = os.path.realpath(latest) if os.path.isdir(latest) else None
run_name = os.path.basename(run_dir) if run_dir else None
manifest_path = os.path.join(run_dir, "manifest.json") if run_dir else None
manifest = {}
fresh = False
age_minutes = None
if manifest_path and os.path.isfile(manifest_path):
    age_minutes = (time.time() - os.path.getmtime(manifest_path)) / 60
    fresh = age_minutes < max_age
    try:
        with open(manifest_path, encoding="utf-8") as f:
            loaded = json.load(f)
        manifest = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        manifest = {}


def report_file(kind, suffix):
    """The run's file of that kind: the one its manifest names, else the first *.suffix."""
    if not run_dir:
        return None
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    named = files.get(kind)
    if isinstance(named, str) and named and "/" not in named:
        path = os.path.join(run_dir, named)
        if os.path.isfile(path):
            return path
    try:
        names = sorted(os.listdir(run_dir))
    except OSError as error:
        fail(f"cannot read the run directory {run_dir}: {error.strerror}", 1)
    for name in names:
        path = os.path.join(run_dir, name)
        if name.endswith(suffix) and os.path.isfile(path):
            return path
    return None


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}", 1)


mail_report = wrote_reports and fresh
html = report_file("html", ".html") if mail_report else None
xlsx = report_file("xlsx", ".xlsx") if mail_report else None


def where_latest():
    if not run_name:
        return "there is no `latest` run yet"
    when = manifest.get("finished_at")
    when = f", finished {when}" if isinstance(when, str) and when else ""
    if age_minutes is None:
        return f"`latest` points to {run_name}, which has no manifest.json"
    return f"`latest` is still the run of {run_name}{when}"


if mail_report:
    subject = f"{prefix} {run_name}: {verdict}"
elif wrote_reports:
    # The job says it wrote its reports, but `latest` is not this night's: say so, not "ok".
    stale = "no latest run" if not run_name else f"latest still {run_name}"
    status_text = f"exit {status}" if status else "run finished"
    subject = f"{prefix} NO NEW REPORT: {status_text}, {stale}"
else:
    subject = f"{prefix} {verdict}"

# 76: RFC 2047 limits a header line holding encoded words to 76 characters, and so each encoded
# word to 75 (Python's folder otherwise fills a 78-character line with a 76-character word).
msg = EmailMessage(policy=policy.default.clone(max_line_length=76))
try:
    msg["From"] = mail_from
    msg["To"] = mail_to
except (ValueError, IndexError) as error:
    fail(f"a bad address in MAIL_FROM or MAIL_TO ({error})")
addresses = [a for _, a in getaddresses([mail_from]) if "@" in a]
if not addresses or not [a for _, a in getaddresses([mail_to]) if "@" in a]:
    fail(f"MAIL_FROM={mail_from!r} and MAIL_TO={mail_to!r} must each hold an address like ops@example.com")
msg["Subject"] = subject
msg["Date"] = formatdate(localtime=True)
msg["Message-ID"] = make_msgid(domain=addresses[0].rpartition("@")[2] or hostname)
msg["Auto-Submitted"] = "auto-generated"

journal = "See the journal: journalctl -u yunfu-report.service -n 200"
if mail_report and html:
    html_bytes = read_bytes(html)
    text = f"yunfu-report {run_name}: {verdict}.\n\nThe report is the HTML part of this message"
    text += f"; the workbook {os.path.basename(xlsx)} is attached.\n" if xlsx else ".\n"
    msg.set_content(text)
    # The page's bytes as written (base64), not re-encoded.
    msg.add_alternative(html_bytes, maintype="text", subtype="html", cte="base64", params={"charset": "utf-8"})
else:
    if mail_report:
        lines = [f"yunfu-report {run_name}: {verdict}.", ""]
        lines.append(f"The run {run_name} holds no HTML report (report.formats).")
    elif wrote_reports:
        ended = f" with exit status {status} ({verdict})" if status else ""
        lines = ["yunfu-report: NO NEW REPORT.", ""]
        lines.append(f"The job ended{ended}, but it wrote no new report: {where_latest()}.")
        if age_minutes is not None and age_minutes >= max_age:
            lines.append(f"(Its manifest is {int(age_minutes)} minutes old; MAIL_MAX_AGE_MINUTES is {max_age}.)")
    else:
        lines = [f"yunfu-report: {verdict}.", ""]
        lines.append(f"This run wrote no new report; {where_latest()}.")
    lines += ["", journal]
    msg.set_content("\n".join(lines) + "\n")
if xlsx:
    msg.add_attachment(read_bytes(xlsx), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=os.path.basename(xlsx))

# EmailMessage gives every part a MIME-Version of its own; only the message needs one.
for part in msg.walk():
    if part is not msg:
        del part["MIME-Version"]
data = msg.as_bytes()

if env.get("MAIL_DRY_RUN") == "1":
    sys.stdout.buffer.write(data)
    sys.exit(0)

if env.get("MAIL_COMMAND"):
    # A command line, split into words as a shell would (quotes allowed).
    command = shlex.split(env["MAIL_COMMAND"])
elif shutil.which("msmtp"):
    credentials = env.get("CREDENTIALS_DIRECTORY")
    msmtprc = os.path.join(credentials, "msmtprc") if credentials else None
    if msmtprc and os.path.isfile(msmtprc):
        command = ["msmtp", "-C", msmtprc, "-t"]
    else:
        command = ["msmtp", "-t"]
elif os.access("/usr/sbin/sendmail", os.X_OK):
    command = ["/usr/sbin/sendmail", "-t", "-i"]
else:
    fail("neither msmtp nor /usr/sbin/sendmail is installed (or set MAIL_COMMAND)", 1)
if not command:
    fail("MAIL_COMMAND is empty")
try:
    sent = subprocess.run(command, input=data)
except OSError as error:
    fail(f"cannot run {command[0]}: {error.strerror}", 1)
if sent.returncode != 0:
    print(f"mail-report: {shlex.join(command)} failed with exit status {sent.returncode}", file=sys.stderr)
sys.exit(sent.returncode if sent.returncode >= 0 else 1)
PY
