#!/bin/sh
# Renders a workbook to PNG pages, to look at it as people will (not part of `make test`).
#
#   scripts/render-xlsx.sh WORKBOOK.xlsx [OUT_DIR] [DPI]
#
# Needs Debian's libreoffice-calc-nogui, poppler-utils and fonts-noto-cjk:
#   apt-get install -y libreoffice-calc-nogui poppler-utils fonts-noto-cjk
# LibreOffice prints every sheet (the summary first, charts included) to one PDF; pdftoppm turns
# each page into OUT_DIR/page-N.png. The first page is the summary sheet (docs/summary.png).
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 WORKBOOK.xlsx [OUT_DIR] [DPI]" >&2
    exit 2
fi
workbook=$1
out=${2:-$(dirname "$workbook")/render}
dpi=${3:-60}

for tool in libreoffice pdftoppm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool is missing: apt-get install -y libreoffice-calc-nogui poppler-utils fonts-noto-cjk" >&2
        exit 2
    fi
done

mkdir -p "$out"
# A private profile: no first-run dialogs, no clash with a LibreOffice already running.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
libreoffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$workbook" >/dev/null
pdf="$out/$(basename "${workbook%.*}").pdf"
pdftoppm -png -r "$dpi" "$pdf" "$out/page"
ls "$out"/page-*.png
