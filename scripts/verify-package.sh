#!/usr/bin/env bash
# Installs the Debian package into a fresh Debian bookworm root that has no Swift toolchain, as an
# ops engineer would, and checks what the package promises (issue 12). Run as root (debootstrap,
# chroot, mount); .ci/run runs it after `make test`.
#
#   scripts/verify-package.sh [dist/yunfu-report_{version}_amd64.deb]
#
# Without an argument it builds the package first (scripts/build-package.sh). Then:
#   lintian (no error, no warning that is not overridden);
#   debootstrap --variant=minbase bookworm into a temporary root (the downloaded packages are kept
#     as a debootstrap tarball in $VERIFY_PACKAGE_CACHE, default /var/cache/yunfu-report-verify,
#     so only the first run downloads them), from the mirror apt uses here ($DEBIAN_MIRROR);
#   apt-get install ./yunfu-report_….deb in it (dependencies from the mirror);
#   yunfu-report --version, yunfu-report demo (a run directory with the workbook), ldd, each unit's
#     Exec* command, the files in their places, the conffile;
#   an upgrade to a newer version keeps the edited configuration and the token;
#   apt-get remove keeps the configuration, apt-get purge removes it; what is left.
# Prints one PASS/FAIL line per check and exits 1 if any failed.
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
suite=bookworm
cache=${VERIFY_PACKAGE_CACHE:-/var/cache/yunfu-report-verify}
started=$(date +%s)
failures=0

passes=0
pass() { printf 'PASS: %s\n' "$*"; passes=$((passes + 1)); }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
die() {
    printf 'FAIL: %s\n' "$*"
    printf 'verify-package: %d passed, %d failed\n' "$passes" "$((failures + 1))"
    exit 1
}
stage() { printf -- '--- %s (%d s)\n' "$*" "$(($(date +%s) - started))"; }

[ "$(id -u)" -eq 0 ] || die "verify-package needs root (debootstrap, chroot, mount): sudo $0"
scripts/install-deps.sh --verify-package

# --- the package ------------------------------------------------------------------------------
if [ $# -ge 1 ]; then
    deb=$1
else
    stage "make package"
    scripts/build-package.sh || die "make package"
    deb="dist/yunfu-report_$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)_amd64.deb"
fi
[ -f "$deb" ] || die "no package at $deb"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
version=$(dpkg-deb --field "$deb" Version)
pass "package $(basename "$deb"): $(du -h "$deb" | cut -f1), Installed-Size $(dpkg-deb --field "$deb" Installed-Size) KiB"

stage "lintian"
lintian_out=$(lintian --fail-on error,warning "$deb" 2>&1) && lintian_ok=yes || lintian_ok=no
[ -z "$lintian_out" ] || printf '%s\n' "$lintian_out"
if [ "$lintian_ok" = yes ]; then pass "lintian: no error, no unexplained warning"; else fail "lintian"; fi

contents=$(dpkg-deb -c "$deb")
if printf '%s\n' "$contents" | grep -q -E '/etc/yunfu-report/(token|.*webhook|.*secret|msmtprc|mail\.env)'; then
    fail "the package carries a secret file"
else
    pass "no token, webhook or mail secret in the package"
fi

# --- a fresh root -----------------------------------------------------------------------------
mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
    # The mirror apt uses here: deb822 sources first, then one-line sources.
    mirror=$(awk '/^URIs:/ { uri = $2 } /^Suites:/ && uri ~ /debian\/?$/ && /(^| )'"$suite"'( |$)/ { print uri; exit }' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "'"$suite"'" { print $2; exit }' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi

root=$(mktemp -d /var/tmp/yunfu-report-verify.XXXXXX)
mounts=()
cleanup() {
    local m
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        m=${mounts[$i]}
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    # Never delete through a mount that is still there (the host's /dev).
    if ! grep -q " $root/" /proc/mounts; then
        rm -rf --one-file-system "$root"
    else
        echo "verify-package: $root still has mounts; not deleted" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stage "debootstrap --variant=minbase $suite ($mirror)"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd) # debootstrap wants an absolute path
tarball="$cache/$suite-minbase-amd64.tgz"
log="$root.debootstrap.log"
if [ ! -s "$tarball" ]; then
    # The first run: download the packages into the cache (atomically), install from it below.
    debootstrap --variant=minbase --arch=amd64 --make-tarball="$tarball.partial" "$suite" "$root/.mk" "$mirror" \
        >"$log" 2>&1 || { tail -n 20 "$log"; die "debootstrap --make-tarball"; }
    mv -f "$tarball.partial" "$tarball"
    rm -rf --one-file-system "$root/.mk"
fi
debootstrap --variant=minbase --arch=amd64 --unpack-tarball="$tarball" "$suite" "$root" "$mirror" >"$log" 2>&1 ||
    { tail -n 20 "$log"; rm -f "$log"; die "debootstrap (cached tarball $tarball; delete it to download again)"; }
rm -f "$log"
pass "fresh $suite minbase root from the cached debootstrap tarball ($(du -sh --one-file-system "$root" | cut -f1))"

mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --bind /dev "$root/dev" && mounts+=("$root/dev")
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf 'deb %s %s main\n' "$mirror" "$suite" >"$root/etc/apt/sources.list"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"; }

if in_root sh -c 'command -v swift || ls /usr/lib/swift /opt/swift' >/dev/null 2>&1 ||
    [ -n "$(find "$root" -xdev -name 'libswiftCore.so*' -print -quit)" ]; then
    fail "the root has a Swift toolchain or runtime"
else
    pass "the root has no Swift toolchain and no libswiftCore.so"
fi

# --- install ----------------------------------------------------------------------------------
# From here on a failed check is a FAIL line, not the end of the script.
set +e
stage "apt-get install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
in_root apt-get update -qq >/dev/null 2>&1 || die "apt-get update in the root"
if install_out=$(in_root sh -c "cd /tmp && apt-get install -y ./$(basename "$deb")" 2>&1); then
    pass "apt-get install ./$(basename "$deb") with its dependencies: $(in_root dpkg-query -W -f='${Version} ${db:Status-Abbrev}' yunfu-report)"
else
    printf '%s\n' "$install_out" | tail -n 30
    die "apt-get install ./$(basename "$deb")"
fi
printf '%s\n' "$install_out" | grep -q 'nightly timer is NOT enabled' &&
    pass "after install apt shows the note: enable the timer after writing the configuration" ||
    fail "no note about enabling the timer in apt's output"

got_version=$(in_root yunfu-report --version 2>&1) || true
[ "$got_version" = "$version" ] && pass "yunfu-report --version: $got_version" ||
    fail "yunfu-report --version printed '$got_version', the package is $version"

ldd_out=$(in_root ldd /usr/bin/yunfu-report 2>&1) || true
if printf '%s\n' "$ldd_out" | grep -q 'not found' || ! printf '%s\n' "$ldd_out" | grep -q 'libxlsxwriter'; then
    printf '%s\n' "$ldd_out"
    fail "ldd /usr/bin/yunfu-report"
else
    pass "ldd finds every library: $(printf '%s\n' "$ldd_out" | awk '$2 == "=>" { print $1 }' | tr '\n' ' ')"
fi
if printf '%s\n' "$ldd_out" | grep -q -i swift; then fail "the binary loads a Swift library"; fi

stage "yunfu-report demo"
mkdir -p "$root/root/demo"
if demo_out=$(in_root sh -c 'cd /root/demo && yunfu-report demo --quiet' 2>&1); then
    xlsx=$(find "$root/root/demo/Output" -name '*.xlsx' -size +1k 2>/dev/null | head -n 1)
    if [ -n "$xlsx" ] && [ "$(head -c 2 "$xlsx")" = PK ] && [ -f "$(dirname "$xlsx")/manifest.json" ]; then
        pass "yunfu-report demo wrote ${xlsx#"$root"} ($(du -h "$xlsx" | cut -f1)) and its manifest"
    else
        printf '%s\n' "$demo_out"
        fail "yunfu-report demo wrote no workbook"
    fi
else
    printf '%s\n' "$demo_out"
    fail "yunfu-report demo exited non-zero"
fi

stage "files and units"
for f in /usr/bin/yunfu-report /usr/lib/yunfu-report/mail-report.sh; do
    [ -x "$root$f" ] && pass "$f is executable" || fail "$f missing or not executable"
done
for f in /lib/systemd/system/yunfu-report.service /lib/systemd/system/yunfu-report.timer \
    /lib/systemd/system/yunfu-report-mail@.service /etc/yunfu-report/config.yaml \
    /usr/share/yunfu-report/templates/report.en.md.mustache /usr/share/yunfu-report/templates/report.zh-CN.md.mustache \
    /usr/share/man/man1/yunfu-report.1.gz /usr/share/bash-completion/completions/yunfu-report \
    /usr/share/zsh/vendor-completions/_yunfu-report /usr/share/fish/vendor_completions.d/yunfu-report.fish \
    /usr/share/doc/yunfu-report/copyright /usr/share/doc/yunfu-report/changelog.Debian.gz \
    /usr/share/doc/yunfu-report/operations.md; do
    [ -s "$root$f" ] && pass "$f" || fail "$f missing or empty"
done
missing_in_man=""
for sub in run demo replay simulate check-config bench; do
    zcat "$root/usr/share/man/man1/yunfu-report.1.gz" | grep -q "^\.It Em $sub\$" || missing_in_man="$missing_in_man $sub"
done
[ -z "$missing_in_man" ] && pass "the man page documents run, demo, replay, simulate, check-config, bench" ||
    fail "the man page lacks:$missing_in_man"
for unit in "$root"/lib/systemd/system/yunfu-report*; do
    name=$(basename "$unit")
    while IFS= read -r line; do
        command=${line#*=}
        command=${command#[-@:+!]}
        command=${command#[-@:+!]}
        command=${command%% *}
        if [ -x "$root$command" ]; then pass "$name: ${line%%=*} command $command exists"; else fail "$name: ${line%%=*} command $command missing"; fi
    done < <(grep -E '^Exec[A-Za-z]*=' "$unit")
done
grep -h -v '^#' "$root"/lib/systemd/system/yunfu-report* | grep -q '/usr/local' && fail "a unit names /usr/local" ||
    pass "no unit setting names /usr/local"
[ -z "$(find "$root/etc/systemd/system" -name 'yunfu-report*' 2>/dev/null)" ] &&
    pass "the package enabled no unit" || fail "the package enabled a unit"
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' yunfu-report)
printf '%s\n' "$conffiles" | grep -q '^ /etc/yunfu-report/config.yaml ' &&
    pass "/etc/yunfu-report/config.yaml is a conffile" || fail "/etc/yunfu-report/config.yaml is not a conffile"
[ ! -e "$root/etc/yunfu-report/token" ] && pass "no token file installed" || fail "a token file was installed"

# --- upgrade: the admin's configuration and token survive -------------------------------------
stage "upgrade"
printf '# edited by the admin\n' >>"$root/etc/yunfu-report/config.yaml"
(umask 077 && printf 'secret-token-of-the-admin' >"$root/etc/yunfu-report/token")
edited_sum=$(md5sum <"$root/etc/yunfu-report/config.yaml")
# The same package as a newer version (only its Version differs), built with dpkg-deb.
next="$root/tmp/next"
dpkg-deb -R "$deb" "$next"
sed -i "s/^Version: .*/Version: $version+verify1/" "$next/DEBIAN/control"
dpkg-deb --root-owner-group -Znone --build "$next" "$root/tmp/yunfu-report_${version}+verify1_amd64.deb" >/dev/null
rm -rf "$next"
if upgrade_out=$(in_root sh -c "cd /tmp && apt-get install -y ./yunfu-report_${version}+verify1_amd64.deb" 2>&1); then
    pass "upgrade to $version+verify1 installed: $(in_root dpkg-query -W -f='${Version}' yunfu-report)"
else
    printf '%s\n' "$upgrade_out" | tail -n 20
    fail "upgrade to $version+verify1"
fi
[ "$(md5sum <"$root/etc/yunfu-report/config.yaml")" = "$edited_sum" ] &&
    pass "upgrade kept the edited /etc/yunfu-report/config.yaml" || fail "upgrade changed the edited configuration"
[ "$(cat "$root/etc/yunfu-report/token" 2>/dev/null)" = secret-token-of-the-admin ] &&
    pass "upgrade kept /etc/yunfu-report/token" || fail "upgrade lost the token"

# --- remove, purge ----------------------------------------------------------------------------
stage "apt-get remove, purge"
in_root apt-get remove -y yunfu-report >/dev/null 2>&1 || fail "apt-get remove yunfu-report"
[ ! -e "$root/usr/bin/yunfu-report" ] && [ ! -e "$root/lib/systemd/system/yunfu-report.service" ] &&
    pass "remove: the binary and the units are gone" || fail "remove left the binary or a unit"
[ "$(md5sum <"$root/etc/yunfu-report/config.yaml" 2>/dev/null)" = "$edited_sum" ] && [ -e "$root/etc/yunfu-report/token" ] &&
    pass "remove: the edited configuration and the token are kept" || fail "remove deleted the configuration or the token"
[ "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' yunfu-report 2>/dev/null)" = "rc " ] &&
    pass "remove: dpkg says rc (removed, configuration kept)" || fail "remove: dpkg status is not rc"
in_root apt-get purge -y yunfu-report >/dev/null 2>&1 || fail "apt-get purge yunfu-report"
[ ! -e "$root/etc/yunfu-report" ] && pass "purge: /etc/yunfu-report (configuration and token) is gone" ||
    fail "purge left $(ls -A "$root/etc/yunfu-report" | tr '\n' ' ')in /etc/yunfu-report"
in_root dpkg-query -W yunfu-report >/dev/null 2>&1 && fail "purge: dpkg still knows yunfu-report" ||
    pass "purge: dpkg no longer knows yunfu-report"
left=$(find "$root" -xdev -path "$root/proc" -prune -o -path "$root/root/demo" -prune -o \
    -path "$root/tmp" -prune -o -path "$root/var/cache/apt" -prune -o -name '*yunfu*' -print | sed "s#^$root##")
[ -z "$left" ] && pass "purge: nothing of the package is left (but the demo's own run in /root/demo)" ||
    fail "purge left: $left"

stage "done"
total=$(($(date +%s) - started))
if [ "$failures" -eq 0 ]; then
    printf 'verify-package: PASS in %d s\n' "$total"
else
    printf 'verify-package: FAIL in %d s\n' "$total"
fi
printf 'verify-package: %d passed, %d failed\n' "$passes" "$failures"
[ "$failures" -eq 0 ]
