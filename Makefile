# The two commands: `make run` and `make test`. Both set up what they need on a fresh machine.
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test lint typecheck unit bench clean browser messages

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The pages' message catalogues (gettext, Babel): `make messages` extracts the keys from the
# code and templates (babel.cfg) into the .pot and merges them into each language's .po;
# every install compiles the .po files into the .mo files the service reads.
LOCALE  := src/renfort/web/locale
PO      := $(wildcard $(LOCALE)/*/LC_MESSAGES/messages.po)
MO      := $(PO:.po=.mo)
KEYWORDS := --no-default-keywords -k _ -k message -k _n:1,1 -k message_n:1,1

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel -q compile -d $(LOCALE) -D messages -l $*

messages: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg $(KEYWORDS) --sort-by-file \
	  --project Renfort --version "$$(sed -n "s/^version = \"\(.*\)\"/\1/p" pyproject.toml)" --copyright-holder "Renfort contributors" --no-location \
	  -o $(LOCALE)/messages.pot src
	$(VENV)/bin/pybabel -q update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages \
	  --no-fuzzy-matching --ignore-obsolete -w 100
	$(MAKE) --no-print-directory $(MO)

install: $(STAMP) $(MO)

run: install
	$(VENV)/bin/renfort db upgrade
	$(VENV)/bin/renfort demo load
	$(VENV)/bin/renfort serve

lint: install
	$(VENV)/bin/ruff check src tests bench

typecheck: install
	$(VENV)/bin/mypy src

# The browser tests drive Debian's Chromium (never `playwright install`): install it once.
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser:
	@test -x $(CHROMIUM) || { echo "installing chromium (apt-get) for the browser tests"; \
	  $(SUDO) apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    chromium >/dev/null; }

test: lint typecheck browser
	$(VENV)/bin/pytest

bench: install
	$(PY) bench/routing.py
	$(PY) bench/staffing.py
	$(PY) bench/seats.py
	$(PY) bench/simulation.py
	$(PY) bench/planning.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
