# Every target creates .venv when it is missing: a fresh clone needs only
# Python >= 3.11 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test lint bench install clean fuzz

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/chainrule demo

LINTED := $(wildcard src tests benchmarks docs scripts)

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

# pytest on TEST_WORKERS processes (pytest-xdist), a test file per process at
# a time: each file's server, cluster or fixtures are started once, as on one
# process; TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2

test: lint
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The fuzz campaigns in full: the command line's 600 attempts (make test
# makes the first 100), 500 examples a property (Hypothesis's fuzz profile,
# tests/conftest.py); FUZZ_ATTEMPTS=2000 make fuzz for a longer one.
FUZZ_ATTEMPTS ?= 600

fuzz: $(STAMP)
	OPENBLAS_NUM_THREADS=1 CHAINRULE_FUZZ_ATTEMPTS=$(FUZZ_ATTEMPTS) HYPOTHESIS_PROFILE=fuzz \
		$(BIN)/python -m pytest tests/test_fuzz_cli.py tests/test_fuzz_loader.py \
		tests/test_fuzz_surfaces.py

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
