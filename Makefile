# adapty-server: `make demo` shows the SDK against a local emulator; `make test` runs every suite.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: help fmt bench-breakdown demo test test-rust test-python test-node test-emulator test-cli test-kotlin test-swift swift-package kotlin-package lint dist dist-check bench bench-cli soak fuzz codegen emulator toolchain

## Builds the emulator and the Rust quickstart, then runs the quickstart against the emulator.
demo: toolchain
	$(CARGO) build --quiet -p adapty-emulator -p adapty-server --bins --examples
	@echo "== Rust quickstart"
	scripts/with-emulator target/debug/examples/quickstart
	@echo "== Python quickstart"
	bindings-python/scripts/install target/py-demo
	scripts/with-emulator target/py-demo/bin/python bindings-python/examples/quickstart.py
	@echo "== Node quickstart"
	bindings-node/scripts/install target/node-demo
	scripts/with-emulator node target/node-demo/quickstart.mjs
	@bindings-swift/scripts/demo-swift

## Every test suite, ending with one line `N passed, N failed`.
test: toolchain
	python3 tests/run.py lint rust conformance python node emulator cli kotlin swift fuzz dist

## The Rust suites (core, emulator and the adapty CLI) with cargo test.
test-rust: toolchain
	python3 tests/run.py rust

## Builds the wheel, installs it into a fresh virtualenv, runs mypy --strict and pytest.
test-python: toolchain
	python3 tests/run.py python

## Builds the addon, packs and installs the npm package into a fresh project, runs tsc and node --test.
test-node: toolchain
	python3 tests/run.py node

## The emulator as users install it: its wheel and npm package with the README's pytest (-n 4, exec), node:test, Vitest and Jest examples; its web UI in headless Chromium.
test-emulator: toolchain
	python3 tests/run.py emulator

## The adapty command line as users get it: cargo install --path cli, and the README's CLI examples run as written (its own tests run with test-rust).
test-cli: toolchain
	python3 tests/run.py cli

## Generates the uniffi bindings, builds the Kotlin jar with Maven and runs its JUnit suite.
test-kotlin: toolchain
	python3 tests/run.py kotlin

## Assembles the Swift package and runs its XCTest suite (sets up Swift on Debian if needed).
test-swift: toolchain
	python3 tests/run.py swift

## The Swift package, ready to add by path: target/swift-package.
swift-package: toolchain
	bindings-swift/scripts/package-swift

## The Kotlin jar (native library inside), installed into the local Maven repository.
kotlin-package: toolchain
	bindings-swift/scripts/generate
	cd bindings-swift/kotlin && mvn -B -q --no-transfer-progress install -DskipTests

## The release artifacts of x86-64 Linux into dist/ (wheels, sdist, npm packages, the jar, the Swift package, static binaries), with their sizes.
dist: toolchain
	scripts/dist

## Checks dist/ as users see it: auditwheel, GLIBC <= 2.17, pip and npm from registries on loopback, Debian 11, Maven, Swift 6.2, the Dockerfile.
dist-check:
	scripts/dist-check

## Every formatter and linter (rustfmt, clippy, ruff, mypy --strict, biome, ktlint, swift-format) and the freshness of generated files.
lint: toolchain
	python3 tests/run.py lint

## Applies every formatter (and the linters' safe fixes); `make lint` checks what this would change.
fmt: toolchain
	cargo fmt --all
	scripts/style fix

## Lists the targets with what each does.
help:
	@awk '/^## /{doc = doc substr($$0, 4) " "; next} /^[a-z-]+:/{if (doc) printf "  %-15s %s\n", substr($$1, 1, length($$1) - 1), doc; doc = ""; next} {doc = ""}' $(MAKEFILE_LIST)

## Every benchmark in one table (release builds, emulator on loopback): the core vs bare reqwest,
## Python vs urllib3/aiohttp/httpx, Node vs undici/fetch, each binding also vs the core; CPU and RSS.
bench: toolchain
	scripts/bench

## Regenerates every generated file (models and operations of each language) from the core's definitions (commit the result).
codegen: toolchain
	tools/codegen/generate

## Where one call's time goes: the core's decode and encode, then wall and CPU µs per call of each
## layer of profiles.get in Python and Node (release builds).
bench-breakdown: toolchain
	scripts/bench --breakdown

## Memory under load: a million calls each through Python sync, Python async and Node Promises
## (release builds); prints the rates and how much RSS grows after warm-up (goal < 5 MB).
soak: toolchain
	$(CARGO) build --quiet --release -p adapty-emulator
	bindings-python/scripts/install target/py-soak --release
	ADAPTY_EMULATOR_BIN=target/release/adapty-emulator scripts/with-emulator target/py-soak/bin/python bindings-python/bench/memory.py
	bindings-node/scripts/install target/node-soak --release
	cp bindings-node/bench/memory.mjs target/node-soak/
	ADAPTY_EMULATOR_BIN=target/release/adapty-emulator scripts/with-emulator node --min-semi-space-size=16 --max-semi-space-size=16 target/node-soak/memory.mjs

## Coverage-guided fuzzing (cargo-fuzz, nightly): a million executions of every target, then a
## table of executions and coverage. `make test` runs a short smoke of each.
fuzz: toolchain
	scripts/fuzz full

## The CLI's bulk delete vs the core's delete_many (release builds), and a 10,000-delete job under 10% faults killed half way and resumed.
bench-cli: toolchain
	cli/scripts/bench

## Runs the emulator in the foreground (Ctrl-C stops it).
emulator: toolchain
	$(CARGO) run --quiet -p adapty-emulator -- --port 8080 --api-key $${ADAPTY_API_KEY:-secret_demo_key_0000}

## Installs what the build needs when it is missing (Rust through rustup, with rustfmt and clippy).
toolchain:
	@scripts/toolchain
