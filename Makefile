# The two set-up commands of the README are `make run` and `make test`; both
# create .venv and install requirements.txt on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
FILE ?= incidents.yaml

.PHONY: run test lint bench validate fmt

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run dashboard/app.py -- --file $(FILE)

test: $(VENV)/.installed
	$(PY) -m pytest

validate: $(VENV)/.installed
	$(PY) -m geo validate $(FILE)
	$(PY) -m geo fmt --check $(FILE)

fmt: $(VENV)/.installed
	$(PY) -m geo fmt $(FILE)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check geo dashboard bench tests

# Benchmarks print tables comparing against the naive approach; SIZES shortens them.
SIZES ?= 1000,10000,100000
bench: $(VENV)/.installed
	$(PY) -m bench.loading --sizes $(SIZES)
	$(PY) -m bench.mapping --sizes $(SIZES)
	$(PY) -m bench.export --sizes $(SIZES)
	$(PY) -m bench.extraction
	$(PY) -m bench.duplicates
	$(PY) -m bench.postgis
	$(PY) -m bench.dashboard
