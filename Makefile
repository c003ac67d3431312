# Two commands for a fresh machine: `make run` (set up, load the demo, serve) and
# `make test` (set up, run every test). Both install whatever is missing first.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

# Debian packages: Pango for WeasyPrint, CJK fonts for the PDF (Noto CJK for body and 黑体
# headings, LXGW WenKai for 楷体 headings at the body's weight, AR PL UKai where it is missing);
# the tests also read PDFs (poppler-utils), drive a real browser (chromium, chromium-driver) and
# open the Word export in LibreOffice Writer, converting it to PDF (libreoffice-writer-nogui).
APT_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-lxgw-wenkai fonts-arphic-ukai
APT_TEST := $(APT_RUN) poppler-utils chromium chromium-driver libreoffice-writer-nogui

.PHONY: run serve test test-fast lint bench setup apt-run apt-test

run: apt-run setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The production settings under gunicorn, over the local SQLite database, for a trial on this
# machine: a random key kept in var/secret_key, and plain http on 127.0.0.1 through the
# PERFEVAL_INSECURE_LOCAL_HTTP switch (no HTTPS redirect, cookies without Secure), which
# `check --deploy` reports: never set it on a server (docs/deploy.md).
SERVE_ENV = DJANGO_ENV=production DJANGO_SECRET_KEY="$$(cat var/secret_key)" \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost PERFEVAL_INSECURE_LOCAL_HTTP=1

serve: apt-run setup var/secret_key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) load_demo
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/gunicorn perfeval.wsgi --bind 127.0.0.1:$(PORT)

var/secret_key:
	mkdir -p var
	(umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@)

test: apt-test setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The quick loop while working: every test but the slow kinds (browser, PDF, another process,
# real commits; pyproject.toml's markers), on two processes that take tests from each other
# when one runs out (a few tests take seconds). `make test` runs them all.
FAST := not browser and not pdf and not subprocess and not transactional

test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "$(FAST)"

# One JSON object of timings and request rates, with issue 9's goals met or not (bench/README.md);
# `make -s bench > bench.json` keeps make's own lines out. The first run builds a database of
# 12,000 reports in var/bench/ (a few minutes); later runs reuse it.
bench: apt-run setup
	@$(BIN)/python -m bench.run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

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
