# yunfu-report — the two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/debug/yunfu-report
RELEASE_BIN := .build/release/yunfu-report

.PHONY: all deps build demo test bench release package verify-package install-from-source render-xlsx clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Runs the nightly job against the embedded simulated platform and prints where the reports are.
demo: build
	$(BIN) demo

# The whole test suite (debug build), plus systemd-analyze verify of deploy/, the tests of the
# scripts (scripts/tests: the mail, the cron line, render-xlsx.sh) and promtool on the alert rules
# and a real run's metrics.prom.
test:
	@scripts/install-deps.sh --test
	python3 -m unittest discover -s scripts/tests -t scripts/tests
	$(SWIFT) build --build-tests
	scripts/verify-units.sh $(abspath $(BIN))
	scripts/verify-metrics.sh $(abspath $(BIN))
	# One test at a time: the CPU-heavy suites (workbook memory, decoder throughput) would otherwise
	# hold the 2 cores' cooperative threads for seconds and make the loopback tests' timeouts fire.
	$(SWIFT) test --skip-build --no-parallel

release: deps
	$(SWIFT) build -c release

# dist/yunfu-report_{version}_amd64.deb: the package for servers without Swift (docs/operations.md).
package:
	scripts/build-package.sh

# Builds the package and installs it into a fresh Debian bookworm root without Swift (as root).
verify-package:
	scripts/verify-package.sh

# The install without the package: PREFIX (default /usr/local), units into /etc/systemd/system.
install-from-source:
	scripts/install-from-source.sh

# The performance benchmark (docs/performance.md): a command, not a test.
bench: release
	$(RELEASE_BIN) bench

# Renders the workbook of the latest demo run to PNG pages (docs/summary.png comes from here).
render-xlsx:
	scripts/render-xlsx.sh

clean:
	rm -rf .build .build-release dist
