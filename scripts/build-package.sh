#!/usr/bin/env bash
# `make package`: builds dist/yunfu-report_{version}_amd64.deb, the package an ops engineer installs
# with `apt-get install ./yunfu-report_{version}_amd64.deb` on a server without Swift.
#
#   scripts/build-package.sh
#
# 1. installs what it needs when missing (scripts/install-deps.sh --package: dpkg-dev, lintian,
#    binutils and the build's own -dev packages), or names what is missing and exits 1;
# 2. a release build with the Swift runtime and Foundation linked in (--static-swift-stdlib) in
#    its own scratch path ($PACKAGE_SCRATCH, default .build-release), stripped;
# 3. the man page from the command's own help (the GenerateManual plugin's tool), the
#    bash / zsh / fish completions from --generate-completion-script;
# 4. the tree in Debian's places (packaging/debian/ has control, changelog, copyright and the
#    maintainer scripts), Depends computed by dpkg-shlibdeps, control written by dpkg-gencontrol,
#    the .deb by dpkg-deb --root-owner-group;
# 5. lintian, failing on any error or warning that is not overridden.
# Everything happens in a temporary directory: dist/ only ever receives a finished, lintian-clean
# .deb (renamed into place at the very end).
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
SWIFT=${SWIFT:-swift}
scratch=${PACKAGE_SCRATCH:-.build-release}
debian=packaging/debian
dist=dist
package=yunfu-report
arch=amd64

say() { printf 'package: %s\n' "$*" >&2; }
fail() { printf 'package: FAIL: %s\n' "$*" >&2; exit 1; }
seconds() { date +%s; }

[ "$(dpkg --print-architecture 2>/dev/null || echo unknown)" = "$arch" ] ||
    fail "this builds an $arch package; this machine is $(dpkg --print-architecture 2>/dev/null || uname -m)"

scripts/install-deps.sh --package

work=$(mktemp -d "${TMPDIR:-/tmp}/yunfu-report-package.XXXXXX")
partial=""
cleanup() {
    rm -rf "$work"
    [ -z "$partial" ] || rm -f "$partial"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 2. the release binary -------------------------------------------------------------------
started=$(seconds)
say "release build: $SWIFT build -c release --static-swift-stdlib --scratch-path $scratch"
"$SWIFT" build -c release --static-swift-stdlib --scratch-path "$scratch" ||
    fail "the release build failed"
say "release build took $(($(seconds) - started)) s"
binary="$scratch/release/$package"
[ -x "$binary" ] || fail "$binary was not built"

# --- 3. the man page --------------------------------------------------------------------------
# argument-parser's GenerateManual plugin would first build the whole package in release mode
# without --static-swift-stdlib, which in the same scratch path recompiles everything (the flag
# changes every compile command) and in another doubles the build. So: let SwiftPM build the
# plugin's own tool (`plugin generate-manual --help` builds it and nothing else), then run that
# tool on the static binary, exactly as the plugin runs it on the one it builds.
say "man page: argument-parser's generate-manual tool (GenerateManual plugin) on $binary"
"$SWIFT" package --scratch-path "$scratch" plugin generate-manual --help >"$work/manual.log" 2>&1 ||
    { cat "$work/manual.log" >&2; fail "could not build the GenerateManual plugin's tool"; }
manual_tool=$(find "$scratch" -path '*/debug/generate-manual-tool' -type f -perm -u+x 2>/dev/null | head -n 1)
[ -n "$manual_tool" ] || fail "the GenerateManual plugin's tool (generate-manual-tool) is not under $scratch"
manual_out="$work/manual"
mkdir -p "$manual_out"
"$manual_tool" "$binary" --output-directory "$manual_out" \
    --date "$(date -u -d "@$(dpkg-parsechangelog -l "$debian/changelog" -S Timestamp)" +%F)" \
    --authors "yunfu-report maintainers<yunfu-report@example.com>" ||
    fail "generate-manual failed on $binary"
[ -s "$manual_out/$package.1" ] || fail "generate-manual wrote no $package.1"
# A blank line in a command's discussion comes out as an empty input line, which groff warns
# about (lintian: groff-message); in mdoc a paragraph break is .Pp.
sed -i 's/^[[:space:]]*$/.Pp/' "$manual_out/$package.1"
if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$manual_out/$package.1" 2>&1 >/dev/null | grep .; then
    fail "groff warns about the generated man page (above)"
fi

version=$("$binary" --version) || fail "$binary --version failed"
changelog_version=$(dpkg-parsechangelog -l "$debian/changelog" -S Version)
[ "$version" = "$changelog_version" ] ||
    fail "yunfu-report --version says $version but $debian/changelog's top entry is $changelog_version: add an entry for $version"
deb_name="${package}_${version}_${arch}.deb"

# No Swift library may be left to load at run time: they exist only under the toolchain.
if readelf -d "$binary" | grep -E 'NEEDED.*(libswift|libFoundation|libdispatch|libBlocksRuntime)'; then
    fail "$binary still needs the Swift runtime as shared libraries (is --static-swift-stdlib honoured?)"
fi

# --- 4. the tree ------------------------------------------------------------------------------
root="$work/root"
doc="$root/usr/share/doc/$package"
install -d -m 0755 "$root/usr/bin" "$root/usr/lib/$package" "$root/lib/systemd/system" \
    "$root/etc/$package" "$root/usr/share/$package/templates" "$root/usr/share/man/man1" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d" "$doc" "$root/usr/share/lintian/overrides" \
    "$root/DEBIAN"

# The binary, stripped the way dh_strip does it.
install -m 0755 "$binary" "$root/usr/bin/$package"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/bin/$package"
"$root/usr/bin/$package" --version >/dev/null || fail "the stripped binary does not run"

install -m 0755 deploy/mail-report.sh "$root/usr/lib/$package/mail-report.sh"
install -m 0644 deploy/yunfu-report.service deploy/yunfu-report.timer deploy/yunfu-report-mail@.service \
    "$root/lib/systemd/system/"
install -m 0644 deploy/config.example.yaml "$root/etc/$package/config.yaml"
install -m 0644 Templates/*.mustache "$root/usr/share/$package/templates/"

gzip -9n <"$manual_out/$package.1" >"$root/usr/share/man/man1/$package.1.gz"
chmod 0644 "$root/usr/share/man/man1/$package.1.gz"
for shell in bash zsh fish; do
    case $shell in
        bash) target="$root/usr/share/bash-completion/completions/$package" ;;
        zsh) target="$root/usr/share/zsh/vendor-completions/_$package" ;;
        fish) target="$root/usr/share/fish/vendor_completions.d/$package.fish" ;;
    esac
    # A completion file is sourced, not run: no #! line (lintian: bash-completion-with-hashbang).
    "$binary" --generate-completion-script "$shell" >"$work/completion" || fail "no $shell completion script"
    sed '1{/^#!/d}' "$work/completion" >"$target"
    chmod 0644 "$target"
done

install -m 0644 "$debian/copyright" "$doc/copyright"
gzip -9n <"$debian/changelog" >"$doc/changelog.Debian.gz"
# operations.md stays uncompressed: the units' Documentation=file: line points at it.
install -m 0644 docs/operations.md "$doc/operations.md"
install -m 0644 Templates/README.md "$doc/templates.md"
install -m 0644 "$debian/lintian-overrides" "$root/usr/share/lintian/overrides/$package"

install -m 0755 "$debian/postinst" "$debian/prerm" "$debian/postrm" "$root/DEBIAN/"
printf '/etc/%s/config.yaml\n' "$package" >"$root/DEBIAN/conffiles"
chmod 0644 "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print |
    LC_ALL=C sort | sed 's#^\./##' | xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

# Depends: dpkg-shlibdeps reads the binary's NEEDED libraries and the symbols files of the Debian
# packages that provide them; dpkg-gencontrol fills control from packaging/debian (Version from
# the changelog, Installed-Size from the tree).
mkdir -p "$work/src/debian"
cp "$debian/control" "$debian/changelog" "$work/src/debian/"
(cd "$work/src" && dpkg-shlibdeps -Tdebian/substvars "$root/usr/bin/$package") ||
    fail "dpkg-shlibdeps could not compute the dependencies"
(cd "$work/src" && dpkg-gencontrol -p"$package" -P"$root" -Tdebian/substvars -fdebian/files) ||
    fail "dpkg-gencontrol failed"
chmod 0644 "$root/DEBIAN/control"

# Reproducible: file dates clamped to the changelog's.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$debian/changelog" -S Timestamp)
export SOURCE_DATE_EPOCH
dpkg-deb --root-owner-group -Zxz --build "$root" "$work/$deb_name" >/dev/null || fail "dpkg-deb failed"

# --- 5. lintian -------------------------------------------------------------------------------
say "lintian $deb_name"
if ! lintian --fail-on error,warning "$work/$deb_name"; then
    fail "lintian reports errors or warnings (fix them, or override one in $debian/lintian-overrides with its reason)"
fi

mkdir -p "$dist"
partial="$dist/.$deb_name.partial"
cp "$work/$deb_name" "$partial"
mv -f "$partial" "$dist/$deb_name"
partial=""
say "wrote $dist/$deb_name ($(du -h "$dist/$deb_name" | cut -f1), $(($(seconds) - started)) s)"
dpkg-deb --field "$dist/$deb_name" Depends Recommends Suggests Installed-Size >&2
