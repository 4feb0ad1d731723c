#!/usr/bin/env python3
"""Compares two workbooks cell by cell with openpyxl: sheet names, every cell's value, number
format, fill, font (bold, italic, colour) and alignment, column widths, row heights, frozen panes,
autofilters and the number of charts. Style indexes, zip details and XML order are not compared:
two workbooks equal here show the same to people.

    scripts/xlsx-cells-equal.py A.xlsx B.xlsx      # exit 0 when equal, 1 with the differences
"""
import sys

import openpyxl


def cell_key(c):
    return (c.value, c.number_format, c.fill.fgColor.rgb, c.font.b, c.font.i,
            c.font.color.rgb if c.font.color else None,
            c.alignment.wrap_text, c.alignment.horizontal, c.alignment.vertical)


def main(a_path, b_path):
    a, b = openpyxl.load_workbook(a_path), openpyxl.load_workbook(b_path)
    differences, cells = [], 0
    if a.sheetnames != b.sheetnames:
        differences.append(f"sheets: {a.sheetnames} != {b.sheetnames}")
    for name in [n for n in a.sheetnames if n in b.sheetnames]:
        x, y = a[name], b[name]
        if (x.freeze_panes, x.auto_filter.ref) != (y.freeze_panes, y.auto_filter.ref):
            differences.append(f"{name}: panes or filter")
        if {k: v.width for k, v in x.column_dimensions.items()} != {k: v.width for k, v in y.column_dimensions.items()}:
            differences.append(f"{name}: column widths")
        heights = lambda s: {k: v.height for k, v in s.row_dimensions.items() if v.height}
        if heights(x) != heights(y):
            differences.append(f"{name}: row heights")
        if (x.max_row, x.max_column) != (y.max_row, y.max_column):
            differences.append(f"{name}: {x.max_row}x{x.max_column} != {y.max_row}x{y.max_column}")
        if len(x._charts) != len(y._charts):
            differences.append(f"{name}: charts")
        for row_a, row_b in zip(x.iter_rows(), y.iter_rows()):
            for c, d in zip(row_a, row_b):
                cells += 1
                if cell_key(c) != cell_key(d):
                    differences.append(f"{name}!{c.coordinate}: {cell_key(c)} != {cell_key(d)}")
    for line in differences[:20]:
        print(line)
    print(f"workbooks: {cells} cells compared, {len(differences)} differences")
    return 0 if not differences else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
