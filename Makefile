# yunfu-report — the two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/debug/yunfu-report
RELEASE_BIN := .build/release/yunfu-report

.PHONY: all deps build demo test bench release render-xlsx clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Runs the nightly job against the embedded simulated platform and prints where the reports are.
demo: build
	$(BIN) demo

# The whole test suite (debug build), plus systemd-analyze verify of deploy/ and promtool on the
# alert rules and a real run's metrics.prom.
test:
	@scripts/install-deps.sh --test
	$(SWIFT) build --build-tests
	scripts/verify-units.sh $(abspath $(BIN))
	scripts/verify-metrics.sh $(abspath $(BIN))
	$(SWIFT) test --skip-build

release: deps
	$(SWIFT) build -c release

# The performance benchmark (docs/performance.md): a command, not a test.
bench: release
	$(RELEASE_BIN) bench

# Renders the workbook of the latest demo run to PNG pages (docs/summary.png comes from here).
render-xlsx:
	scripts/render-xlsx.sh

clean:
	rm -rf .build
