# 公物仓 — the two commands a newcomer needs are `make run` and `make test`.
# Everything they need (npm packages; Debian's chromium and Chinese fonts when run as root) they
# install themselves.

SHELL := /bin/bash
DEMO_DIR ?= target/demo
BIN_DEBUG := target/debug/gongwucang
BIN_RELEASE := target/release/gongwucang
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.js web/package.json

.PHONY: run test web check lint unit-test browser-test system-deps fuzz clean

## make run: build the web UI and a release binary, create the demo node once, serve it.
run: web
	cargo build --release
	@test -f $(DEMO_DIR)/gongwucang.redb || $(BIN_RELEASE) demo --data $(DEMO_DIR)
	@cat "$(DEMO_DIR)/演示账户.txt"
	$(BIN_RELEASE) serve --data $(DEMO_DIR) --open

## make test: formatting, clippy, all cargo tests, the web build and the browser tests.
test: lint unit-test browser-test

web/node_modules/.package-lock.json: web/package-lock.json
	npm ci --prefix web --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	npm run build --prefix web

web: web/dist/index.html

lint: web
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

unit-test: web
	cargo test

tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund

browser-test: web system-deps tests/browser/node_modules/.package-lock.json
	cargo build
	GWC_BIN=$(BIN_DEBUG) node --test tests/browser/

## make fuzz: the bundle decoder under libFuzzer for FUZZ_SECONDS (default 120), starting from the
## committed corpus (fuzz/corpus/bundle); needs the nightly toolchain, installs cargo-fuzz.
FUZZ_SECONDS ?= 120
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && cargo +nightly fuzz run bundle corpus/bundle -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024

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

clean:
	cargo clean
	rm -rf web/dist web/node_modules tests/browser/node_modules
