"""deploy/cron.example, run as Debian's cron runs it (CRON_TZ ignored, `%` rules), on servers in
several time zones: the job runs once a night, at 02:30 Asia/Shanghai, and the mail script gets
its exit status and the file's environment.

Run by `make test` (python3 -m unittest discover -s scripts/tests).
"""

import datetime
import os
import re
import stat
import subprocess
import tempfile
import unittest
from zoneinfo import ZoneInfo

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CRON_FILE = os.path.join(REPO, "deploy", "cron.example")
OPERATIONS = os.path.join(REPO, "docs", "operations.md")
SHANGHAI = ZoneInfo("Asia/Shanghai")
BINARY = "/usr/bin/yunfu-report"
MAILER = "/usr/lib/yunfu-report/mail-report.sh"


def parse_cron_file(text):
    """(environment, [(five fields, user, command)]) of a /etc/cron.d file."""
    env, jobs = {}, []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        assignment = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", stripped)
        if assignment and not re.match(r"^[\d*@]", stripped):
            value = assignment.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            env[assignment.group(1)] = value
            continue
        parts = stripped.split(None, 6)
        if len(parts) < 7:
            raise ValueError(f"not a cron.d job line (5 fields, a user, a command): {line}")
        jobs.append((parts[:5], parts[5], parts[6]))
    return env, jobs


def cron_command(command):
    """What cron hands to the shell: up to the first unescaped `%` (the rest is standard input),
    `\\%` becoming `%` (crontab(5))."""
    out, i = [], 0
    while i < len(command):
        if command[i] == "\\" and command[i + 1 : i + 2] == "%":
            out.append("%")
            i += 2
        elif command[i] == "%":
            break
        else:
            out.append(command[i])
            i += 1
    return "".join(out)


def field_matches(field, value, low, high):
    for item in field.split(","):
        spec, _, step = item.partition("/")
        if spec == "*":
            first, last = low, high
        elif "-" in spec:
            first, last = (int(x) for x in spec.split("-"))
        else:
            first = last = int(spec)
        if first <= value <= last and (value - first) % int(step or 1) == 0:
            return True
    return False


def fires(fields, local):
    """Whether a job with these fields starts at this server-local minute (Debian cron: the day of
    month and day of week are ORed when both are restricted)."""
    minute, hour, dom, month, dow = fields
    if not (field_matches(minute, local.minute, 0, 59) and field_matches(hour, local.hour, 0, 23)
            and field_matches(month, local.month, 1, 12)):
        return False
    weekday = (local.weekday() + 1) % 7
    dom_ok = field_matches(dom, local.day, 1, 31)
    dow_ok = field_matches(dow, weekday, 0, 7) or (weekday == 0 and field_matches(dow, 7, 0, 7))
    if dom != "*" and dow != "*":
        return dom_ok or dow_ok
    return dom_ok and dow_ok


def executable(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class CronExampleTests(unittest.TestCase):
    def setUp(self):
        with open(CRON_FILE, encoding="utf-8") as f:
            self.text = f.read()
        self.env, self.jobs = parse_cron_file(self.text)
        self.tmp = tempfile.TemporaryDirectory(prefix="cron-example-test-")
        self.addCleanup(self.tmp.cleanup)

    def test_one_job_as_the_service_user_with_the_package_paths(self):
        self.assertEqual(len(self.jobs), 1, self.jobs)
        fields, user, command = self.jobs[0]
        self.assertEqual(user, "yunfu-report")
        self.assertIn(f"{BINARY} run --config /etc/yunfu-report/config.yaml", command)
        self.assertIn(f"EXIT_STATUS=$? {MAILER}", command)
        self.assertNotIn("/usr/local/", command)
        self.assertIn("MAIL_TO", self.env)
        self.assertEqual(self.env.get("OUTPUT_ROOT"), "/var/lib/yunfu-report")

    def test_the_docs_show_the_lines_of_the_file(self):
        with open(OPERATIONS, encoding="utf-8") as f:
            docs = f.read()
        section = docs.split("## Scheduling with cron", 1)[1].split("\n## ", 1)[0]
        block = re.search(r"```cron\n(.*?)```", section, re.S)
        self.assertIsNotNone(block, "a ```cron block in docs/operations.md, Scheduling with cron")
        lines = set(self.text.splitlines())
        for line in block.group(1).splitlines():
            if line.strip():
                self.assertIn(line, lines, "a line of the docs' cron block that is not in deploy/cron.example")

    def run_night(self, server_zone, day):
        """Runs the job line at every minute it fires in 48 hours from `day` 00:00 UTC, on a server
        in `server_zone`; returns the instants (UTC) at which the job itself ran."""
        fields, _, command = self.jobs[0]
        work = self.tmp.name
        stubs = os.path.join(work, "bin")
        os.makedirs(stubs, exist_ok=True)
        ran = os.path.join(work, "ran.log")
        mailed = os.path.join(work, "mailed.log")
        for path in (ran, mailed):
            open(path, "w").close()
        real_date = next(p for p in ("/usr/bin/date", "/bin/date") if os.path.exists(p))
        # `date` at the instant the test says (GNU date -d @seconds), in whatever TZ it is given.
        executable(os.path.join(stubs, "date"), f'#!/bin/sh\nexec {real_date} -d "@$FAKE_NOW" "$@"\n')
        executable(os.path.join(stubs, "yunfu-report"),
                   f'#!/bin/sh\necho "$FAKE_NOW $*" >> {ran}\nexit 3\n')
        executable(os.path.join(stubs, "mail-report.sh"),
                   f'#!/bin/sh\necho "$FAKE_NOW EXIT_STATUS=$EXIT_STATUS MAIL_TO=$MAIL_TO '
                   f'OUTPUT_ROOT=$OUTPUT_ROOT MAIL_COMMAND=$MAIL_COMMAND" >> {mailed}\n')
        script = cron_command(command)
        # The package's paths, or those of an installation from source.
        for binary in (BINARY, "/usr/local/bin/yunfu-report"):
            script = script.replace(binary, os.path.join(stubs, "yunfu-report"))
        for mailer in (MAILER, "/usr/local/lib/yunfu-report/mail-report.sh"):
            script = script.replace(mailer, os.path.join(stubs, "mail-report.sh"))
        script = script.replace("/var/log/yunfu-report/", work + "/")
        shell = self.env.get("SHELL", "/bin/sh")
        start = datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc)
        zone = ZoneInfo(server_zone)
        runs = 0
        for minute in range(48 * 60):
            instant = start + datetime.timedelta(minutes=minute)
            if not fires(fields, instant.astimezone(zone)):
                continue
            runs += 1
            env = dict(self.env)
            env.update({"PATH": stubs + ":" + self.env.get("PATH", "/usr/bin:/bin"), "TZ": server_zone,
                        "FAKE_NOW": str(int(instant.timestamp())), "HOME": work})
            done = subprocess.run([shell, "-c", script], env=env, capture_output=True, text=True, timeout=30)
            self.assertEqual(done.returncode, 0, f"{instant}: {done.stderr}")
            self.assertEqual(done.stdout + done.stderr, "", "cron would mail this output")
        self.assertGreater(runs, 0)
        with open(ran) as f:
            job_runs = [line.split(" ", 1) for line in f.read().splitlines()]
        with open(mailed) as f:
            mail_runs = f.read().splitlines()
        for _, arguments in job_runs:
            self.assertEqual(arguments, "run --config /etc/yunfu-report/config.yaml --quiet")
        self.assertEqual([m.split(" ", 1)[0] for m in mail_runs], [r[0] for r in job_runs])
        for line in mail_runs:
            self.assertIn(f"EXIT_STATUS=3 MAIL_TO={self.env['MAIL_TO']} OUTPUT_ROOT={self.env['OUTPUT_ROOT']} "
                          f"MAIL_COMMAND={self.env.get('MAIL_COMMAND', '')}", line)
        return [datetime.datetime.fromtimestamp(int(r[0]), datetime.timezone.utc) for r in job_runs]

    def test_it_runs_once_a_night_at_02_30_shanghai_time_whatever_the_server_zone(self):
        # A day with a DST change in New York and Berlin, and one without.
        for day in (datetime.date(2026, 11, 1), datetime.date(2026, 10, 25), datetime.date(2026, 11, 25)):
            for server_zone in ("UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Asia/Kolkata"):
                with self.subTest(day=day, server_zone=server_zone):
                    runs = self.run_night(server_zone, day)
                    local = [r.astimezone(SHANGHAI) for r in runs]
                    self.assertEqual(len(local), 2, f"once a night in 48 hours: {local}")
                    self.assertEqual([t.date() for t in local], sorted({t.date() for t in local}))
                    for t in local:
                        self.assertEqual(t.hour, 2, f"{server_zone}: ran at {t} Asia/Shanghai")
                        # Half-hour server zones start it at :00 Shanghai time, the others at :30.
                        self.assertIn(t.minute, (0, 30) if server_zone == "Asia/Kolkata" else (30,))


if __name__ == "__main__":
    unittest.main()
