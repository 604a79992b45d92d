# adapty-server's front door: `make demo` shows the SDK against a local emulator, `make test` runs
# every suite, `make check` the fast part for every change, `make help` lists every target.
# Each target is a task of one program, tools/tasks/ (run with the system's python3; it makes and
# uses its own virtualenv); ARGS="..." passes arguments to a task.
TASKS = PYTHONPATH=tools python3 -m tasks

TARGETS = help demo test check lint fmt audit codegen dist dist-check bench bench-breakdown bench-cli soak fuzz fuzz-build \
	emulator swift-package kotlin-package kotlin-release swift-release toolchain
.PHONY: $(TARGETS) version

$(TARGETS):
	@$(TASKS) $@ $(ARGS)

## One suite alone, e.g. `make test-python` (`make help` lists them).
test-%:
	@$(TASKS) $@ $(ARGS)

## Writes VERSION into every package: `make version VERSION=X.Y.Z`.
version:
	@$(TASKS) version $(VERSION)
