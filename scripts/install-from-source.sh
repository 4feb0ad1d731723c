#!/usr/bin/env bash
# `make install-from-source`: the install without the Debian package, on the machine that builds it
# (or into DESTDIR, to copy elsewhere). The package (make package) is the first choice; this is for
# a machine where a .deb is not wanted.
#
#   [sudo] make install-from-source [PREFIX=/usr/local] [DESTDIR=/tmp/stage]
#
# Builds the same release binary as `make package` (Swift runtime linked in, scratch path
# .build-release), installs it as PREFIX/bin/yunfu-report, the mail script as
# PREFIX/lib/yunfu-report/mail-report.sh, the units of deploy/ into /etc/systemd/system with their
# paths rewritten to PREFIX (deploy/ names the package's /usr/bin, /usr/lib), the example
# configuration as /etc/yunfu-report/config.yaml unless one exists, the docs, the templates and
# the completions. Enables nothing. The binary still needs libxlsxwriter4, zlib1g and
# ca-certificates from Debian on the machine that runs it.
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
SWIFT=${SWIFT:-swift}
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
scratch=${PACKAGE_SCRATCH:-.build-release}
case $PREFIX in
    /*) ;;
    *) echo "install-from-source: PREFIX must be an absolute path, not $PREFIX" >&2; exit 2 ;;
esac

scripts/install-deps.sh
"$SWIFT" build -c release --static-swift-stdlib --scratch-path "$scratch"
binary="$scratch/release/yunfu-report"

d=$DESTDIR
install -d -m 0755 "$d$PREFIX/bin" "$d$PREFIX/lib/yunfu-report" "$d$PREFIX/share/doc/yunfu-report" \
    "$d$PREFIX/share/yunfu-report/templates" "$d/etc/systemd/system" "$d/etc/yunfu-report" \
    "$d$PREFIX/share/bash-completion/completions" "$d$PREFIX/share/zsh/site-functions" \
    "$d$PREFIX/share/fish/vendor_completions.d"
install -m 0755 "$binary" "$d$PREFIX/bin/yunfu-report"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$d$PREFIX/bin/yunfu-report"
install -m 0755 deploy/mail-report.sh "$d$PREFIX/lib/yunfu-report/mail-report.sh"
install -m 0644 docs/operations.md "$d$PREFIX/share/doc/yunfu-report/operations.md"
install -m 0644 Templates/*.mustache "$d$PREFIX/share/yunfu-report/templates/"
for unit in deploy/yunfu-report.service deploy/yunfu-report.timer deploy/yunfu-report-mail@.service; do
    sed -e "s#/usr/bin/yunfu-report#$PREFIX/bin/yunfu-report#g" \
        -e "s#/usr/lib/yunfu-report/#$PREFIX/lib/yunfu-report/#g" \
        -e "s#file:/usr/share/doc/yunfu-report/#file:$PREFIX/share/doc/yunfu-report/#g" \
        "$unit" >"$d/etc/systemd/system/$(basename "$unit")"
    chmod 0644 "$d/etc/systemd/system/$(basename "$unit")"
done
if [ -e "$d/etc/yunfu-report/config.yaml" ]; then
    echo "install-from-source: /etc/yunfu-report/config.yaml exists: kept (the example is deploy/config.example.yaml)"
else
    install -m 0644 deploy/config.example.yaml "$d/etc/yunfu-report/config.yaml"
fi
"$binary" --generate-completion-script bash >"$d$PREFIX/share/bash-completion/completions/yunfu-report"
"$binary" --generate-completion-script zsh >"$d$PREFIX/share/zsh/site-functions/_yunfu-report"
"$binary" --generate-completion-script fish >"$d$PREFIX/share/fish/vendor_completions.d/yunfu-report.fish"

if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi
cat <<EOF
install-from-source: installed $PREFIX/bin/yunfu-report ($("$binary" --version)); the timer is not enabled.
  1. edit /etc/yunfu-report/config.yaml
  2. (umask 077; printf '%s' "\$YUNFU_API_TOKEN" > /etc/yunfu-report/token)
  3. systemctl enable --now yunfu-report.timer
EOF
