# pact24 — every target creates .venv when missing and installs into it from the lock file,
# so a fresh machine tests exactly the versions this project was tested with.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PIP_VERSION := 26.3

.PHONY: demo test lint bench lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'pip==$(PIP_VERSION)'
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The main job: the assessment of every design, its report written under $(DEMO_OUT)/ (the
# command prints the report's path). The scripted deliberation is `pact24 demo`.
DEMO_OUT ?= assessment

demo: $(STAMP)
	$(BIN)/pact24 assess --out $(DEMO_OUT)

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy src/pact24
	$(BIN)/lint-imports

# Two pytest-xdist workers, a file (or the kernel's users) at a time: tests/conftest.py's
# pytest_xdist_make_scheduler says why.
test: lint
	$(BIN)/pytest -m "not bench" -n 2 --dist loadfile --durations=25

bench: $(STAMP)
	$(BIN)/pytest -m bench -q
	$(BIN)/pact24 bench --json bench-results/kernel.json

# Refresh requirements.lock after changing dependencies in pyproject.toml (needs the index).
lock:
	test -x .lock-tools/bin/pip-compile || ($(PYTHON) -m venv .lock-tools && .lock-tools/bin/pip install --quiet pip-tools)
	.lock-tools/bin/pip-compile --quiet --extra dev --generate-hashes --strip-extras \
	  --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .lock-tools .pytest_cache .mypy_cache .ruff_cache
