#!/bin/sh
# Renders a workbook to PNG pages, to look at it as people will (not part of `make test`).
#
#   scripts/render-xlsx.sh [WORKBOOK.xlsx] [OUT_DIR] [DPI]
#
# WORKBOOK defaults to the newest Output/*/yunfu-report-*.xlsx (what `make demo` writes), OUT_DIR to
# a `render` folder beside it, DPI to 60. Writes OUT_DIR/page-N.png, one per printed page (every
# sheet is landscape A4, one page wide; the summary sheet with its two charts is page 1), and
# OUT_DIR/summary.png: page 1 at 90 dpi, the picture kept as docs/summary.png.
#
# Needs Debian's libreoffice-calc-nogui, poppler-utils and fonts-noto-cjk:
#   apt-get install -y libreoffice-calc-nogui poppler-utils fonts-noto-cjk
set -eu

workbook=${1:-}
if [ -z "$workbook" ]; then
    workbook=$(ls -t Output/*/yunfu-report-*.xlsx 2>/dev/null | head -n 1 || true)
    if [ -z "$workbook" ]; then
        echo "usage: $0 [WORKBOOK.xlsx] [OUT_DIR] [DPI]  (no workbook under Output/: run 'make demo' first)" >&2
        exit 2
    fi
fi
if [ ! -f "$workbook" ]; then
    echo "$workbook: no such file" >&2
    exit 2
fi
out=${2:-$(dirname "$workbook")/render}
dpi=${3:-60}

for tool in libreoffice pdftoppm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool is missing: apt-get install -y libreoffice-calc-nogui poppler-utils fonts-noto-cjk" >&2
        exit 2
    fi
done

mkdir -p "$out"
# A private profile: no first-run dialog, no clash with a LibreOffice already running.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
libreoffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$workbook" >/dev/null 2>&1
pdf="$out/$(basename "${workbook%.*}").pdf"
if [ ! -f "$pdf" ]; then
    echo "LibreOffice did not convert $workbook" >&2
    exit 1
fi
pdftoppm -png -r "$dpi" "$pdf" "$out/page"
pdftoppm -png -r 90 -f 1 -l 1 -singlefile "$pdf" "$out/summary"
echo "$out/summary.png"
ls "$out"/page-*.png
