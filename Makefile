# Two commands for a fresh machine: `make run` (set up, load the demo, serve) and
# `make test` (set up, run every test). Both install whatever is missing first.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

# Debian packages: Pango for WeasyPrint, CJK fonts for the PDF; the tests also read PDFs
# (poppler-utils) and drive a real browser (chromium, chromium-driver).
APT_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai
APT_TEST := $(APT_RUN) poppler-utils chromium chromium-driver

.PHONY: run test lint setup apt-run apt-test

run: apt-run setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: apt-test setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

apt-run:
	@scripts/apt-ensure $(APT_RUN)

apt-test:
	@scripts/apt-ensure $(APT_TEST)
