#!/usr/bin/env python3
"""Where the job's CPU time goes, by stage, from a `perf record --call-graph dwarf` profile.

    .build/release/yunfu-report bench --scenario 5000:0:16 \
        --job-prefix "perf record -e cpu-clock -F 999 --call-graph dwarf,32768 -o /tmp/yunfu-perf.data"
    scripts/perf-phases.py /tmp/yunfu-perf.data 999

Each sample is given to the stage of the innermost frame of its stack that names one (so the
zlib inside the workbook's zip counts as "xlsx", the SHA-256 of a CSV file as "sha256"). Needs
`perf` and `swift demangle` on PATH. See docs/performance.md.
"""
import collections
import re
import subprocess
import sys

STAGES = [
    ("sha256 of the written files", r"SHA256"),
    ("xlsx (Swift, libxlsxwriter, its zip/zlib)",
     r"XLSX|XlsxWriter\.|Worksheet\.|Workbook\.|CellText\.|libxlsxwriter|libz\.so"),
    ("csv", r"ReportCSV|CSVEncoder"),
    ("markdown", r"Markdown|Mustache"),
    ("html", r"HTMLReport"),
    ("summary view model (markdown + html)", r"SummaryModel"),
    ("manifest", r"Manifest"),
    ("file writes (RunDirectory)", r"RunDirectory\."),
    ("aggregate (checks, suppressions, changes)",
     r"Aggregator\.|Suppressions\.|ChangeDetector\.|PreviousRun|Checks\."),
    ("decode", r"AnswerDecoder|JSONParser|FieldReader|PayloadDate|ValueGrammar"),
    ("fetch / HTTP (Fetcher, AsyncHTTPClient, NIO)", r"NIO|AsyncHTTPClient|Fetcher"),
    ("configuration, accounts file", r"Configuration|AccountsFile|Yams|CSVReader"),
]
OTHER = "other (runtime, scheduling, kernel, start-up)"


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: perf-phases.py PERF_DATA [SAMPLE_HZ]")
    data = sys.argv[1]
    hz = float(sys.argv[2]) if len(sys.argv) > 2 else 999.0
    perf = subprocess.Popen(
        ["perf", "script", "-i", data, "-F", "comm,tid,time,ip,sym,dso"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    text = subprocess.run(
        ["swift", "demangle", "--simplified"], stdin=perf.stdout, capture_output=True, text=True).stdout
    stages = [(name, re.compile(pattern)) for name, pattern in STAGES]
    counts: collections.Counter = collections.Counter()
    total = 0
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        total += 1
        found = None
        for frame in lines[1:]:  # innermost first
            found = next((name for name, rx in stages if rx.search(frame)), None)
            if found:
                break
        counts[found or OTHER] += 1
    if total == 0:
        sys.exit("no samples in " + data)
    print(f"{total} samples at {hz:.0f} Hz = {total / hz:.2f} s of CPU")
    for name, n in counts.most_common():
        print(f"  {name:48s} {n / hz:6.2f} s  {100 * n / total:5.1f} %")


if __name__ == "__main__":
    main()
