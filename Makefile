# Pilotage NPRU — the two commands that set everything up: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test quality bench install clean-var help

help:
	@echo "make run    — installe, prépare la base, charge la démo et lance l'application"
	@echo "make test   — lance toute la suite (ruff, mypy, migrations, pytest, navigateur, PDF)"
	@echo "             NPRU_SKIP_BROWSER=1 / NPRU_SKIP_PDF=1 : sans navigateur / sans lecture des PDF (annoncé)"
	@echo "make bench  — mesures de performance sur les jeux de charge métropolitain puis national (10×), semis compris"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	@bash scripts/run.sh $(HOST) $(PORT)

quality: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint templates --lint --quiet
	@eval "$$($(PY) scripts/services.py)" && bash scripts/mypy.sh
	@eval "$$($(PY) scripts/services.py)" && DJANGO_SETTINGS_MODULE=config.settings.test \
		$(PY) manage.py makemigrations --check --dry-run --noinput
	PY=$(PY) bash scripts/check_prod.sh

test: quality
	@bash scripts/system_deps.sh
	@eval "$$($(PY) scripts/services.py)" && $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: install
	@eval "$$($(PY) scripts/services.py)" && $(PY) manage.py migrate --noinput -v0 && $(PY) scripts/bench_seed.py && $(PY) scripts/bench.py && $(PY) scripts/bench_tables.py --no-seed \
		&& $(PY) scripts/bench_packs.py --no-seed && $(PY) scripts/bench_relogement.py --no-seed \
		&& $(PY) scripts/bench_insertion_import.py --no-seed && $(PY) scripts/bench_gusp.py --no-seed \
		&& $(PY) scripts/bench.py --scale national --no-seed

clean-var:
	rm -rf var/media var/test-media var/staticfiles
