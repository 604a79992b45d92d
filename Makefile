# adapty-server: `make demo` shows the SDK against a local emulator; `make test` runs every suite.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: demo test test-rust lint bench emulator toolchain

## Builds the emulator and the Rust quickstart, then runs the quickstart against the emulator.
demo: toolchain
	$(CARGO) build --quiet -p adapty-emulator -p adapty-server --bins --examples
	scripts/with-emulator target/debug/examples/quickstart

## Every test suite, ending with one line `N passed, N failed`.
test: toolchain
	python3 tests/run.py lint rust

test-rust: toolchain
	python3 tests/run.py rust

lint: toolchain
	python3 tests/run.py lint

## Throughput benchmark against the emulator (release build); prints figures and ratios.
bench: toolchain
	$(CARGO) bench -p adapty-server --bench throughput

## Runs the emulator in the foreground (Ctrl-C stops it).
emulator: toolchain
	$(CARGO) run --quiet -p adapty-emulator -- --port 8080 --api-key $${ADAPTY_API_KEY:-secret_demo_key_0000}

## Installs what the build needs when it is missing (Rust through rustup, with rustfmt and clippy).
toolchain:
	@scripts/toolchain
