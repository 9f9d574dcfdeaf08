# 公物仓 — the two commands a newcomer needs are `make run` and `make test`.
# Everything they need (npm packages; Debian's chromium and Chinese fonts when run as root) they
# install themselves.

SHELL := /bin/bash
DEMO_DIR ?= target/demo
BIN_DEBUG := target/debug/gongwucang
BIN_RELEASE := target/release/gongwucang
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.js web/package.json

.PHONY: run test web check lint windows-check unit-test conformance browser-test system-deps windows-deps dist screenshots fuzz soak bench clean

## make run: build the web UI and a release binary, create the demo node once, serve it.
run: web
	cargo build --release
	@test -f $(DEMO_DIR)/gongwucang.redb || $(BIN_RELEASE) demo --data $(DEMO_DIR)
	@cat "$(DEMO_DIR)/演示账户.txt"
	$(BIN_RELEASE) serve --data $(DEMO_DIR) --open

## make test: formatting, clippy, all cargo tests (the SIGKILL crash test with 20 kills among them),
## the API conformance run, the web build and the browser tests.
test: lint unit-test conformance browser-test

web/node_modules/.package-lock.json: web/package-lock.json
	npm ci --prefix web --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	npm run build --prefix web

web: web/dist/index.html

lint: web windows-check
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

# The Windows build is checked on every test run, so a Windows-only break shows at once.
windows-check: web windows-deps
	cargo clippy --target x86_64-pc-windows-gnu -- -D warnings

## make dist: release executables for Linux x86_64 (glibc and static musl), Windows x86_64 and
## Linux aarch64 into dist/, each with a .sha256; the aarch64 one is smoke-tested under qemu-user.
dist:
	scripts/dist.sh

unit-test: web
	cargo test

# schemathesis (pinned, installed once into target/conformance-venv) against the OpenAPI document of a
# demo node, logged in as each role and anonymously: no 5xx, every status and body as documented.
CONFORMANCE_EXAMPLES ?= 5
conformance: web
	cargo test --no-run
	scripts/conformance.sh $(CONFORMANCE_EXAMPLES)

tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund

# `cargo test --no-run` builds the binary with the same dependency features as `cargo test` (which builds
# it for the CLI tests), so after unit-test nothing is compiled again.
browser-test: web system-deps tests/browser/node_modules/.package-lock.json
	cargo test --no-run
	GWC_BIN=$(BIN_DEBUG) node --test tests/browser/

## make fuzz: the bundle decoder under libFuzzer for FUZZ_SECONDS (default 120), starting from the
## committed corpus (fuzz/corpus/bundle); needs the nightly toolchain, installs cargo-fuzz.
FUZZ_SECONDS ?= 120
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && cargo +nightly fuzz run bundle corpus/bundle -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024

## make soak: the long reliability runs: the real binary killed with SIGKILL SOAK_KILLS times
## (default 200) under concurrent writes, every acknowledged write checked after each restart, and
## the conformance run with SOAK_EXAMPLES (50) examples per operation (`make test`: 20 kills, 5).
SOAK_KILLS ?= 200
SOAK_EXAMPLES ?= 50
soak: web
	GWC_CRASH_KILLS=$(SOAK_KILLS) cargo test --test api crash -- --nocapture
	scripts/conformance.sh $(SOAK_EXAMPLES)

## make bench: the plaza queries Q1–Q6 at BENCH_N listings (default 1 000 000) in process, side by side
## with a tuned SQLite holding the same data; prints the table and writes target/bench/results.json.
## BENCH_RUNS timed runs per query (200), cut short after BENCH_BUDGET_S seconds (30); BENCH_SEED.
## Then the server in its own process: HTTP with 50 connections, approvals, a 10 000-row import,
## start-up and peak memory. Built with the `bench-build` profile (release, thin LTO: see Cargo.toml).
BENCH_N ?= 1000000
BENCH_RUNS ?= 200
bench: web
	cargo build --profile bench-build -p gongwucang-bench
	BENCH_N=$(BENCH_N) BENCH_RUNS=$(BENCH_RUNS) target/bench-build/gongwucang-bench

# Debian's chromium and a Chinese font for the browser tests (installed when run as root).
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "browser tests need:$$missing — run: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

## make screenshots: refresh README's install pictures from the browser tests' screenshots (after make test).
screenshots:
	mkdir -p docs/screenshots
	cp target/browser-screenshots/setup-1-kind.png docs/screenshots/install-1-wizard.png
	cp target/browser-screenshots/setup-4-done.png docs/screenshots/install-2-done.png
	cp target/browser-screenshots/home-admin.png docs/screenshots/install-3-home.png

# The Rust target and Debian's mingw-w64 C compiler (zstd's C sources) for windows-check.
windows-deps:
	@rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
	@if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: gcc-mingw-w64-x86-64"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 >/dev/null; \
	  else \
	    echo "the Windows check needs: sudo apt-get install gcc-mingw-w64-x86-64"; exit 1; \
	  fi; \
	fi

clean:
	cargo clean
	rm -rf web/dist web/node_modules tests/browser/node_modules dist
