# The two set-up commands of the README are `make run` and `make test`; both
# create .venv and install requirements.txt on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
FILE ?= incidents.yaml

.PHONY: run test lint bench validate

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

bench: $(VENV)/.installed
	$(PY) -m bench.loading
	$(PY) -m bench.mapping
