# The two commands: `make run` and `make test`. Both set up what they need on a fresh machine.
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/renfort db upgrade
	$(VENV)/bin/renfort demo load
	$(VENV)/bin/renfort serve

lint: install
	$(VENV)/bin/ruff check src tests bench

typecheck: install
	$(VENV)/bin/mypy src

test: lint typecheck
	$(VENV)/bin/pytest

bench: install
	$(PY) bench/routing.py
	$(PY) bench/staffing.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
