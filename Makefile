# quyche — the commands the README and CI run. Everything installs into a local virtual environment.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# CI fails when fewer rules than this (percent) are fired by the scenarios of tests/scenarios (README).
MIN_RULES ?= 95
# durable-rules 2.0.28 calls PyEval_CallObject, removed in Python 3.13: map it to PyObject_CallObject
# (the fix merged upstream in jruizgit/rules PR #403, never released). Only on 3.13 and later.
DURABLE_CPPFLAGS := $(shell $(PYTHON) -c 'import sys; print("-DPyEval_CallObject=PyObject_CallObject" if sys.version_info >= (3, 13) else "")')

.PHONY: install example explorer test lint typecheck pytest scenarios docs docs-check schemas bench bench-audit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	CPPFLAGS="$(DURABLE_CPPFLAGS)" $(PY) -m pip install -q --disable-pip-version-check --no-cache-dir -e '.[dev,web]'
	touch $(STAMP)

install: $(STAMP)

example: $(STAMP)
	$(VENV)/bin/quyche explain examples/annual_review_2024.yaml

explorer: $(STAMP)
	$(VENV)/bin/quyche serve

test: lint typecheck pytest scenarios docs-check

lint: $(STAMP)
	$(VENV)/bin/ruff check quyche tests $(wildcard benchmarks) $(wildcard examples/*.py)

typecheck: $(STAMP)
	$(VENV)/bin/mypy quyche

pytest: $(STAMP)
	$(PY) -m pytest

scenarios: $(STAMP)
	$(VENV)/bin/quyche check tests/scenarios
	@report=$$($(VENV)/bin/quyche coverage tests/scenarios --min-rules $(MIN_RULES)); rc=$$?; \
	  echo "$$report" | tail -n 1; echo "(CI minimum: $(MIN_RULES) %; the full report: quyche coverage tests/scenarios)"; exit $$rc

docs-check: $(STAMP)
	$(PY) -m quyche.tools docs --check
	$(PY) -m quyche.tools schemas --check
	$(PY) -m quyche.tools impact --check

docs: $(STAMP)
	$(PY) -m quyche.tools docs
	$(PY) -m quyche.tools impact

schemas: $(STAMP)
	$(PY) -m quyche.tools schemas

bench: $(STAMP)
	$(PY) benchmarks/run.py

bench-audit: $(STAMP)
	$(PY) benchmarks/audit.py

clean:
	rm -rf $(VENV) .venv313 build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
