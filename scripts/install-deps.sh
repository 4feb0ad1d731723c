#!/usr/bin/env bash
# Installs the Debian packages the build needs, when they are missing:
# libxlsxwriter-dev (the workbook's C library) and zlib1g-dev (its .pc links -lz).
# With --test, also what the test suite uses: python3-openpyxl (reads the workbook back),
# systemd (systemd-analyze verify of deploy/), unzip, prometheus (promtool: the alert rules'
# tests and the check of metrics.prom, scripts/verify-metrics.sh).
set -euo pipefail

need=()
dpkg -s libxlsxwriter-dev >/dev/null 2>&1 || need+=(libxlsxwriter-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ "${1:-}" = "--test" ]; then
  python3 -c 'import openpyxl' >/dev/null 2>&1 || need+=(python3-openpyxl)
  command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
  command -v unzip >/dev/null 2>&1 || need+=(unzip)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
fi

[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-deps: missing ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
