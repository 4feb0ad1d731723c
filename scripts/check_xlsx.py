#!/usr/bin/env python3
"""Reads a workbook with openpyxl (an independent reader) and prints what the tests check, as JSON.

    scripts/check_xlsx.py FILE [SHEET!CELL ...]

Prints {"sheets": [...], "freeze": {sheet: "A2"}, "filters": {sheet: "A1:Q5"},
"charts": {sheet: n}, "cells": {"SHEET!CELL": {"type", "is_date", "format", "value", "text"}}}.
Exit 3 when openpyxl is missing (the Swift test then skips), 1 when the file does not load.
"""
import json
import sys

try:
    import openpyxl
    from openpyxl.utils.escape import unescape
except ImportError:
    print("openpyxl is not installed (apt-get install python3-openpyxl)", file=sys.stderr)
    sys.exit(3)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    try:
        book = openpyxl.load_workbook(path)
    except Exception as error:  # any failure to load is what the test wants to see
        print(f"openpyxl cannot load {path}: {error!r}", file=sys.stderr)
        return 1
    out = {
        "sheets": book.sheetnames,
        "freeze": {ws.title: ws.freeze_panes for ws in book.worksheets},
        "filters": {ws.title: ws.auto_filter.ref for ws in book.worksheets},
        "charts": {ws.title: len(ws._charts) for ws in book.worksheets},
        "cells": {},
    }
    for ref in sys.argv[2:]:
        sheet, _, cell = ref.rpartition("!")
        c = book[sheet][cell]
        value = c.value
        if not isinstance(value, (str, int, float, bool, type(None))):
            value = str(value)
        out["cells"][ref] = {
            "type": c.data_type,
            "is_date": c.is_date,
            "format": c.number_format,
            "value": value,
            # openpyxl 3.0 decodes Excel's _xHHHH_ escapes in shared strings but not in inline
            # ones (constant-memory mode): this is the text as Excel shows it.
            "text": unescape(value) if isinstance(value, str) else value,
        }
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
