#!/bin/sh
# Renders a workbook to PNG pages, to look at it as people will (not part of `make test`).
#
#   scripts/render-xlsx.sh [--dry-run] [WORKBOOK.xlsx] [OUT_DIR] [DPI]
#
# WORKBOOK defaults to the newest yunfu-report-*.xlsx in Output/*/ or Output/demo/*/ (what
# `make demo` writes), OUT_DIR to render/{run directory name}/ under the current directory
# (render/demo/{date}/ for a demo run): never inside the run directory, whose files are those its
# manifest lists. DPI defaults to 60. Writes OUT_DIR/page-N.png, one per printed page (every sheet
# is landscape A4, one page wide; the summary sheet with its two charts is page 1), and
# OUT_DIR/summary.png: page 1 at 90 dpi, the picture kept as docs/summary.png.
# --dry-run prints the workbook and OUT_DIR it would use and stops.
#
# Needs Debian's libreoffice-calc-nogui, poppler-utils and fonts-noto-cjk:
#   apt-get install -y libreoffice-calc-nogui poppler-utils fonts-noto-cjk
set -eu

dry_run=no
if [ "${1:-}" = "--dry-run" ]; then
    dry_run=yes
    shift
fi

workbook=${1:-}
if [ -z "$workbook" ]; then
    # ls -t: the newest first, of the runs of a configuration and of the demo's.
    # shellcheck disable=SC2012
    workbook=$(ls -t Output/*/yunfu-report-*.xlsx Output/demo/*/yunfu-report-*.xlsx 2>/dev/null | head -n 1 || true)
    if [ -z "$workbook" ]; then
        echo "usage: $0 [--dry-run] [WORKBOOK.xlsx] [OUT_DIR] [DPI]  (no workbook in Output/*/ or Output/demo/*/: run 'make demo' first)" >&2
        exit 2
    fi
fi
if [ ! -f "$workbook" ]; then
    echo "$workbook: no such file" >&2
    exit 2
fi

out=${2:-}
if [ -z "$out" ]; then
    # The run directory with links resolved (Output/latest/… is named after the run it points to).
    run_dir=$(cd "$(dirname "$workbook")" && pwd -P)
    name=$(basename "$run_dir")
    [ "$(basename "$(dirname "$run_dir")")" = demo ] && name="demo/$name"
    here=$(pwd -P)
    case $here/ in
        "$run_dir"/*) out="${TMPDIR:-/tmp}/yunfu-report-render/$name" ;;  # standing in the run directory
        *) out="render/$name" ;;
    esac
fi
dpi=${3:-60}

if [ "$dry_run" = yes ]; then
    printf 'workbook: %s\nout: %s\n' "$workbook" "$out"
    exit 0
fi

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
