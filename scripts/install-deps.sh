#!/usr/bin/env bash
# Installs the Debian packages the build needs, when they are missing:
# libxlsxwriter-dev (the workbook's C library) and zlib1g-dev (its .pc links -lz).
# With --test, also what the test suite uses: python3-openpyxl (reads the workbook back),
# systemd (systemd-analyze verify of deploy/), unzip, tzdata (scripts/tests), openssl (test
# certificates), tinyproxy (a real HTTP proxy for the network tests), prometheus (promtool: the alert
# rules' tests and the check of metrics.prom, scripts/verify-metrics.sh).
# With --package, what `make package` uses: dpkg-dev (dpkg-shlibdeps, dpkg-gencontrol), lintian,
# binutils (strip). With --verify-package, that and debootstrap (scripts/verify-package.sh).
set -euo pipefail

need=()
dpkg -s libxlsxwriter-dev >/dev/null 2>&1 || need+=(libxlsxwriter-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ "${1:-}" = "--test" ]; then
  python3 -c 'import openpyxl' >/dev/null 2>&1 || need+=(python3-openpyxl)
  command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
  command -v unzip >/dev/null 2>&1 || need+=(unzip)
  # scripts/tests/test_cron_example.py: the cron line's TZ=Asia/Shanghai and Python's zoneinfo.
  [ -e /usr/share/zoneinfo/Asia/Shanghai ] || need+=(tzdata)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  [ -x /usr/bin/tinyproxy ] || command -v tinyproxy >/dev/null 2>&1 || need+=(tinyproxy)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
fi
if [ "${1:-}" = "--package" ] || [ "${1:-}" = "--verify-package" ]; then
  command -v dpkg-shlibdeps >/dev/null 2>&1 && command -v dpkg-gencontrol >/dev/null 2>&1 || need+=(dpkg-dev)
  command -v lintian >/dev/null 2>&1 || need+=(lintian)
  command -v strip >/dev/null 2>&1 || need+=(binutils)
  command -v gzip >/dev/null 2>&1 || need+=(gzip)
fi
if [ "${1:-}" = "--verify-package" ]; then
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
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
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
  echo "install-deps: could not install ${need[*]} with apt-get; install them and run again" >&2
  exit 1
fi
