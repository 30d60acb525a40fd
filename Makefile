# The two commands of the README: `make run` and `make test`. Others are helpers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench bench-pdf lint format check-translations messages compilemessages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## make run: install, migrate, compile translations, load the demo data and serve on
## 127.0.0.1:8000 (HOST=, PORT= to change it: `make run PORT=8123`), with the mail worker.
run: export DEBUG ?= 1
# The links of the mails (the demo's, and those the worker sends) lead where the portal serves.
run: export PORTAL_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	  else echo "gettext is not installed: using the committed translations (.mo)."; fi
	$(PY) manage.py load_demo --url $(PORTAL_URL)
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/ with the mail worker beside it (Ctrl+C stops both)"
	@echo "Mails are printed below, and kept with their links in $(PORTAL_URL)/admin/accounts/mail/"
	@$(PY) manage.py mail_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the linters, the project guards and the whole test suite (pytest).
test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

## make bench: the portal under load (gunicorn, production settings, wrk) at 1,000 and
## 100,000 families, with its budgets (PASS/FAIL); QUICK=1 for a first look at small sizes.
## PostgreSQL when DATABASE_URL names one (its databases <name>_bench_<N>), else SQLite files.
bench: $(VENV)/.installed
	$(PY) -m imuse_portal.benchmark $(if $(QUICK),--quick,)

## make bench-pdf: the duplicate PDF's render times inside one process (a throwaway database).
bench-pdf: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: extract the translatable strings into locale/*/LC_MESSAGES/django.po.
messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l fr -l en --no-location --ignore=.venv --ignore=staticfiles --ignore=tests

## make compilemessages: compile the .po files into the committed .mo files.
compilemessages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
