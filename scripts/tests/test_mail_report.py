"""deploy/mail-report.sh, run with MAIL_DRY_RUN=1 (and with a MAIL_COMMAND), its message parsed back.

Run by `make test` (python3 -m unittest discover -s scripts/tests).
"""

import email
import email.policy
import email.utils
import json
import os
import re
import subprocess
import tempfile
import time
import unittest
from email.header import decode_header, make_header

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "deploy", "mail-report.sh")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")

HTML = (
    "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>云蝠智能 夜间报告</title></head>\n"
    "<body><h1>云蝠智能 2026-11-25</h1>\r\n<p>线路即将到期 — 12 条</p>" + "<p>账号 进程测试</p>" * 200 + "</body></html>"
)


class Workspace:
    """An output root with run directories, and the script's environment."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mail-report-test-")
        self.root = os.path.join(self.tmp.name, "Output")
        os.makedirs(self.root)

    def close(self):
        self.tmp.cleanup()

    def add_run(self, name, minutes_old=5, html=True, xlsx=True, manifest=True):
        run = os.path.join(self.root, name)
        os.makedirs(run)
        files = {}
        if html:
            files["html"] = f"yunfu-report-{name}.html"
            with open(os.path.join(run, files["html"]), "wb") as f:
                f.write(HTML.encode("utf-8"))
        if xlsx:
            files["xlsx"] = f"yunfu-report-{name}.xlsx"
            # Every byte value, CR and LF among them: what a transfer encoding must keep.
            with open(os.path.join(run, files["xlsx"]), "wb") as f:
                f.write(b"PK\x03\x04" + bytes(range(256)) * 40 + os.urandom(4096) + b"\r\n\n\r")
        if manifest:
            path = os.path.join(run, "manifest.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"tool": "yunfu-report", "finished_at": f"{name}T02:31:00+08:00", "files": files}, f)
            then = time.time() - minutes_old * 60
            os.utime(path, (then, then))
        return run

    def point_latest(self, name):
        link = os.path.join(self.root, "latest")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(name, link)

    def run(self, status="0", **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "MONITOR_", "EXIT_STATUS"))}
        env.update({"MAIL_DRY_RUN": "1", "MAIL_TO": "ops@example.com, noc@example.com",
                    "MAIL_FROM": "yunfu-report@example.com", "OUTPUT_ROOT": self.root})
        if status is not None:
            env["EXIT_STATUS"] = status
        env.update(extra)
        env = {k: v for k, v in env.items() if v is not None}
        return subprocess.run([SCRIPT], env=env, capture_output=True, timeout=60)

    def message(self, status="0", **extra):
        done = self.run(status, **extra)
        if done.returncode != 0:
            raise AssertionError(f"mail-report.sh exit {done.returncode}: {done.stderr.decode()}")
        return done.stdout, email.message_from_bytes(done.stdout, policy=email.policy.default)


def subject(msg):
    return str(msg["Subject"])


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class MailReportTests(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.close)

    def assert_well_formed(self, raw):
        """Header lines ≤ 78, encoded words ≤ 75 (RFC 2047), in the message and in every part."""
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertFalse(msg.defects, msg.defects)
        for part in msg.walk():
            self.assertFalse(part.defects, part.defects)
        for block in re.split(rb"\n--[^\n]+\n", raw):
            header = block.split(b"\n\n", 1)[0]
            for line in header.split(b"\n"):
                # RFC 5322's 78 is a SHOULD: a header whose value is one token may be longer (the
                # workbook's MIME type alone makes "Content-Type: application/vnd.openxml…" 79).
                value = line.split(b":", 1)[1].strip() if b":" in line and line[:1] not in b" \t" else line.strip()
                foldable = b" " in value or b"\t" in value
                self.assertLessEqual(len(line), 78 if foldable else 998, line)
                words = ENCODED_WORD.findall(line.decode("ascii"))
                for word in words:
                    self.assertLessEqual(len(word), 75, word)
                if words:
                    self.assertLessEqual(len(line), 76, f"RFC 2047 line with encoded words: {line!r}")
        for line in raw.split(b"\n"):
            self.assertLessEqual(len(line), 998, "RFC 5322 line limit")
            self.assertTrue(all(b < 0x80 for b in line), f"8-bit data outside an encoded part: {line[:60]!r}")
        self.assertRegex(str(msg["Message-ID"]), r"^<[^<>@\s]+@example\.com>$")
        self.assertIsNotNone(email.utils.parsedate_to_datetime(str(msg["Date"])).tzinfo)
        self.assertEqual([a.addr_spec for a in msg["To"].addresses], ["ops@example.com", "noc@example.com"])
        self.assertEqual(msg["From"].addresses[0].addr_spec, "yunfu-report@example.com")
        self.assertEqual(msg["MIME-Version"], "1.0")
        return msg

    def report_parts(self, msg):
        html = [p for p in msg.walk() if p.get_content_type() == "text/html"]
        plain = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
        attached = [p for p in msg.walk() if p.get_content_disposition() == "attachment"]
        return html, plain, attached

    def test_fresh_run_mails_the_html_body_and_the_workbook_byte_for_byte(self):
        run = self.ws.add_run("2026-11-25")
        self.ws.point_latest("2026-11-25")
        raw, _ = self.ws.message("0")
        msg = self.assert_well_formed(raw)
        self.assertEqual(subject(msg), "[yunfu-report] 2026-11-25: ok")
        self.assertEqual(msg.get_content_type(), "multipart/mixed")
        html, plain, attached = self.report_parts(msg)
        self.assertEqual(len(html), 1)
        self.assertEqual(html[0].get_content_charset(), "utf-8")
        self.assertEqual(html[0].get_payload(decode=True), file_bytes(os.path.join(run, "yunfu-report-2026-11-25.html")))
        self.assertEqual(len(plain), 1, "a short text/plain alternative")
        self.assertIn("2026-11-25: ok", plain[0].get_content())
        self.assertEqual(msg.get_payload()[0].get_content_type(), "multipart/alternative")
        self.assertEqual(len(attached), 1)
        self.assertEqual(attached[0].get_content_type(), XLSX_TYPE)
        self.assertEqual(attached[0].get_filename(), "yunfu-report-2026-11-25.xlsx")
        self.assertEqual(attached[0].get_payload(decode=True), file_bytes(os.path.join(run, "yunfu-report-2026-11-25.xlsx")))

    def test_the_subject_of_each_exit_status_with_a_fresh_run(self):
        self.ws.add_run("2026-11-25")
        self.ws.point_latest("2026-11-25")
        expected = {
            "0": "[yunfu-report] 2026-11-25: ok",
            "1": "[yunfu-report] 2026-11-25: PARTIAL: some accounts failed, the run was interrupted or a file could not be written",
            "3": "[yunfu-report] 2026-11-25: FINDINGS at or above --fail-on",
            None: "[yunfu-report] 2026-11-25: run finished",
        }
        for status, text in expected.items():
            with self.subTest(status=status):
                raw, _ = self.ws.message(status)
                msg = self.assert_well_formed(raw)
                self.assertEqual(subject(msg), text)
                self.assertEqual(len(self.report_parts(msg)[2]), 1, "the workbook is attached")
        # systemd's variables win over EXIT_STATUS.
        raw, _ = self.ws.message("0", MONITOR_EXIT_STATUS="1", MONITOR_SERVICE_RESULT="exit-code")
        self.assertIn("PARTIAL", subject(self.assert_well_formed(raw)))

    def test_failures_mail_a_notice_without_the_old_report(self):
        self.ws.add_run("2026-11-25")
        self.ws.point_latest("2026-11-25")
        expected = {
            "2": "[yunfu-report] FAILED: bad usage or configuration, nothing fetched",
            "4": "[yunfu-report] FAILED: the run directory could not be written",
            "130": "[yunfu-report] STOPPED by SIGINT, nothing written",
            "143": "[yunfu-report] STOPPED by SIGTERM, nothing written",
            "TERM": "[yunfu-report] STOPPED by SIGTERM, nothing written",
            "9": "[yunfu-report] FAILED: exit status 9",
        }
        for status, text in expected.items():
            with self.subTest(status=status):
                raw, _ = self.ws.message(status)
                msg = self.assert_well_formed(raw)
                self.assertEqual(subject(msg), text)
                self.assertEqual(msg.get_content_type(), "text/plain")
                body = msg.get_content()
                self.assertIn("wrote no new report", body)
                self.assertIn("2026-11-25", body)
                self.assertNotIn(self.ws.root, body, "no server path in the mail")

    def test_a_stale_latest_after_a_successful_exit_says_no_new_report(self):
        self.ws.add_run("2026-11-24", minutes_old=26 * 60)
        self.ws.point_latest("2026-11-24")
        for status in ("0", "1", "3", None):
            with self.subTest(status=status):
                raw, _ = self.ws.message(status)
                msg = self.assert_well_formed(raw)
                text = subject(msg)
                self.assertTrue(text.startswith("[yunfu-report] NO NEW REPORT"), text)
                self.assertNotIn("ok", text.split(":", 1)[1].split())
                self.assertIn("latest still 2026-11-24", text)
                self.assertEqual(msg.get_content_type(), "text/plain", "the old report is not mailed")
                self.assertIn("wrote no new report", msg.get_content())
        # MAIL_MAX_AGE_MINUTES decides what is stale.
        raw, _ = self.ws.message("0", MAIL_MAX_AGE_MINUTES="2000")
        self.assertEqual(subject(self.assert_well_formed(raw)), "[yunfu-report] 2026-11-24: ok")

    def test_a_missing_latest_or_manifest_says_no_new_report(self):
        raw, _ = self.ws.message("0")
        msg = self.assert_well_formed(raw)
        self.assertEqual(subject(msg), "[yunfu-report] NO NEW REPORT: exit 0, no latest run")
        self.assertIn("no `latest` run", msg.get_content())
        self.ws.add_run("2026-11-25", manifest=False)
        self.ws.point_latest("2026-11-25")
        raw, _ = self.ws.message("0")
        self.assertEqual(subject(self.assert_well_formed(raw)), "[yunfu-report] NO NEW REPORT: exit 0, latest still 2026-11-25")

    def test_a_run_without_html_still_says_ok_and_attaches_the_workbook(self):
        self.ws.add_run("2026-11-25", html=False)
        self.ws.point_latest("2026-11-25")
        raw, _ = self.ws.message("0")
        msg = self.assert_well_formed(raw)
        self.assertEqual(subject(msg), "[yunfu-report] 2026-11-25: ok")
        html, plain, attached = self.report_parts(msg)
        self.assertEqual(html, [])
        self.assertIn("holds no HTML report", plain[0].get_content())
        self.assertEqual(len(attached), 1)

    def test_a_chinese_subject_prefix_is_folded_into_short_encoded_words(self):
        self.ws.add_run("2026-11-25")
        self.ws.point_latest("2026-11-25")
        prefixes = ("【云蝠智能外呼平台·线路与账号夜间巡检报告（生产环境，华东一区与华南二区）】",
                    "[yunfu-report 云蝠 prod 😀 华东-1] é")
        for status, prefix in (("0", prefixes[0]), ("1", prefixes[0]), ("2", prefixes[0]), ("0", prefixes[1])):
            with self.subTest(status=status, prefix=prefix):
                raw, _ = self.ws.message(status, MAIL_SUBJECT_PREFIX=prefix)
                msg = self.assert_well_formed(raw)
                self.assertTrue(subject(msg).startswith(prefix + " "), subject(msg))
                header = raw.split(b"\n\n", 1)[0].decode("ascii")
                unfolded = re.search(r"^Subject:(.*(?:\n[ \t].*)*)", header, re.M).group(1)
                if prefix == prefixes[0]:
                    self.assertGreater(len(ENCODED_WORD.findall(unfolded)), 1, "split into several encoded words")
                self.assertEqual(str(make_header(decode_header(unfolded.replace("\n", "")))), subject(msg))

    def test_every_message_has_its_own_message_id(self):
        self.ws.add_run("2026-11-25")
        self.ws.point_latest("2026-11-25")
        ids = set()
        for _ in range(3):
            raw, msg = self.ws.message("0")
            ids.add(str(msg["Message-ID"]))
        self.assertEqual(len(ids), 3)

    def test_mail_command_gets_the_same_message_and_its_failure_is_the_exit_status(self):
        self.ws.add_run("2026-11-25")
        self.ws.point_latest("2026-11-25")
        sent = os.path.join(self.ws.tmp.name, "sent message.eml")
        done = self.ws.run("0", MAIL_DRY_RUN=None, MAIL_COMMAND=f"sh -c 'cat > \"$1\"' sh '{sent}'")
        self.assertEqual(done.returncode, 0, done.stderr)
        msg = self.assert_well_formed(file_bytes(sent))
        self.assertEqual(subject(msg), "[yunfu-report] 2026-11-25: ok")
        done = self.ws.run("0", MAIL_DRY_RUN=None, MAIL_COMMAND="sh -c 'cat >/dev/null; exit 75'")
        self.assertEqual(done.returncode, 75)
        self.assertIn(b"exit status 75", done.stderr)

    def test_bad_environment_fails_with_exit_2_and_a_message(self):
        for extra, words in (
            ({"MAIL_TO": None}, b"MAIL_TO is not set"),
            ({"MAIL_TO": "  "}, b"MAIL_TO is not set"),
            ({"MAIL_TO": "nobody"}, b"MAIL_TO"),
            ({"MAIL_MAX_AGE_MINUTES": "12h"}, b"MAIL_MAX_AGE_MINUTES"),
        ):
            with self.subTest(extra=extra):
                done = self.ws.run("0", **extra)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(words, done.stderr)
                self.assertEqual(done.stdout, b"")


if __name__ == "__main__":
    unittest.main()
