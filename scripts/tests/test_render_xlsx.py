"""scripts/render-xlsx.sh: which workbook it renders by default and where it writes (never in the run
directory). LibreOffice and pdftoppm are replaced by stand-ins that write what they would, so the
test needs neither.

Run by `make test` (python3 -m unittest discover -s scripts/tests).
"""

import os
import stat
import subprocess
import tempfile
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "scripts", "render-xlsx.sh")

# The stand-ins: `libreoffice … --convert-to pdf --outdir DIR FILE` writes DIR/{name}.pdf;
# `pdftoppm -png … PDF PREFIX` writes PREFIX-1.png and PREFIX-2.png (PREFIX.png with -singlefile).
LIBREOFFICE = """#!/bin/sh
while [ $# -gt 1 ]; do
    [ "$1" = --outdir ] && outdir=$2
    shift
done
name=$(basename "$1")
printf 'PDF of %s' "$1" > "$outdir/${name%.*}.pdf"
"""
PDFTOPPM = """#!/bin/sh
single=no
for a in "$@"; do [ "$a" = -singlefile ] && single=yes; done
for prefix in "$@"; do :; done
if [ $single = yes ]; then echo png > "$prefix.png"; else echo png > "$prefix-1.png"; echo png > "$prefix-2.png"; fi
"""


def executable(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def tree(root):
    found = set()
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(base, name), root))
    return found


class RenderXlsxTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="render-xlsx-test-")
        self.addCleanup(self.tmp.cleanup)
        self.home = os.path.realpath(self.tmp.name)
        self.bin = os.path.join(self.home, "bin")
        os.makedirs(self.bin)
        executable(os.path.join(self.bin, "libreoffice"), LIBREOFFICE)
        executable(os.path.join(self.bin, "pdftoppm"), PDFTOPPM)
        self.project = os.path.join(self.home, "project")
        os.makedirs(self.project)

    def add_run(self, relative, minutes_old):
        run = os.path.join(self.project, "Output", relative)
        os.makedirs(run)
        workbook = os.path.join(run, f"yunfu-report-{os.path.basename(relative)}.xlsx")
        for name in (os.path.basename(workbook), "manifest.json", "accounts.csv"):
            path = os.path.join(run, name)
            with open(path, "w") as f:
                f.write(name)
            then = time.time() - minutes_old * 60
            os.utime(path, (then, then))
        return run

    def render(self, *arguments, cwd=None):
        env = dict(os.environ, PATH=self.bin + ":" + os.environ.get("PATH", "/usr/bin:/bin"), TMPDIR=self.home)
        return subprocess.run([SCRIPT, *arguments], cwd=cwd or self.project, env=env,
                              capture_output=True, text=True, timeout=60)

    def dry_run(self, *arguments, cwd=None):
        done = self.render("--dry-run", *arguments, cwd=cwd)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
        return lines["workbook"], lines["out"]

    def test_the_newest_workbook_of_a_run_or_of_the_demo(self):
        self.add_run("2026-11-24", minutes_old=60)
        self.add_run("demo/2026-11-25", minutes_old=10)
        self.assertEqual(self.dry_run(), ("Output/demo/2026-11-25/yunfu-report-2026-11-25.xlsx", "render/demo/2026-11-25"))
        self.add_run("2026-11-26", minutes_old=1)
        self.assertEqual(self.dry_run(), ("Output/2026-11-26/yunfu-report-2026-11-26.xlsx", "render/2026-11-26"))

    def test_no_workbook_names_both_places(self):
        done = self.render("--dry-run")
        self.assertEqual(done.returncode, 2)
        self.assertIn("Output/*/", done.stderr)
        self.assertIn("Output/demo/*/", done.stderr)

    def test_out_dir_is_named_after_the_run_even_through_latest_and_never_inside_it(self):
        run = self.add_run("2026-11-25", minutes_old=5)
        os.symlink("2026-11-25", os.path.join(self.project, "Output", "latest"))
        _, out = self.dry_run("Output/latest/yunfu-report-2026-11-25.xlsx")
        self.assertEqual(out, "render/2026-11-25")
        # Standing in the run directory itself, ./render would be in it: somewhere else then.
        _, out = self.dry_run("yunfu-report-2026-11-25.xlsx", cwd=run)
        self.assertFalse(os.path.realpath(os.path.join(run, out)).startswith(run + os.sep), out)
        # An OUT_DIR given is used as given.
        self.assertEqual(self.dry_run("Output/latest/yunfu-report-2026-11-25.xlsx", "/somewhere/else")[1], "/somewhere/else")

    def test_a_render_leaves_the_run_directory_as_it_was(self):
        run = self.add_run("2026-11-25", minutes_old=5)
        before = tree(run)
        done = self.render()
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(tree(run), before, "the run directory holds only what its manifest lists")
        out = os.path.join(self.project, "render", "2026-11-25")
        self.assertEqual(done.stdout.splitlines()[0], "render/2026-11-25/summary.png")
        self.assertTrue({"summary.png", "page-1.png", "page-2.png"} <= set(os.listdir(out)), os.listdir(out))

    def test_render_is_ignored_by_git(self):
        done = subprocess.run(["git", "check-ignore", "-q", "render/2026-11-25/summary.png"], cwd=REPO)
        if done.returncode == 128:
            self.skipTest("not a git checkout")
        self.assertEqual(done.returncode, 0, "render/ is in .gitignore")


if __name__ == "__main__":
    unittest.main()
