# Gongzhi: `make run` serves the demo street; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-sqlite test-postgres lint fmt check seed bench bench-quick clean backup restore

setup: $(VENV)/.installed node_modules/.installed locale/.compiled var/triage/.built

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/*.po)
	mkdir -p locale
	$(if $(wildcard locale/*/LC_MESSAGES/*.po),$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0)
	touch $@

# The AI grid worker's default model, trained from the seed corpus written for this project.
var/triage/.built: $(VENV)/.installed $(wildcard gongzhi/triage/corpus/*.csv) $(wildcard gongzhi/triage/*.py)
	mkdir -p var/triage
	$(MANAGE) triage_build
	touch $@

run: setup
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo
	@echo "调度器（SLA 预警、超时升级、通知投递、AI 建议）在后台每 30 秒运行一轮，日志：var/scheduler.log"
	$(MANAGE) run_scheduler --interval 30 > var/scheduler.log 2>&1 & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT; \
	$(MANAGE) runserver $(HOST):$(PORT)

seed: setup
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run -v 1
	$(MANAGE) check

fmt: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The whole suite on SQLite, then on PostgreSQL (skipped with a message when none answers,
# unless REQUIRE_POSTGRES=1 as in .ci/run).
test: lint test-sqlite test-postgres

test-sqlite: setup
	$(PY) -m pytest -n 2 --dist loadfile

test-postgres: setup
	@scripts/with-postgres.sh $(PY) -m pytest -n 2 --dist loadfile

check: setup
	GONGZHI_PRODUCTION=1 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=gongzhi.example.cn \
		$(MANAGE) check --deploy --fail-level WARNING

# Benchmarks (not tests), bench/README.md: pages and APIs under load (gunicorn + locust) on
# SQLite and PostgreSQL at 1,000,000 cases next to django-helpdesk, the scale and AI grid worker
# benchmarks; var/bench/report.md.
bench: setup
	$(PY) bench/run.py

# The same on 20,000 cases with short runs: under 5 minutes on two cores.
bench-quick: setup
	$(PY) bench/run.py --quick

# Online backup into var/backups/ (SQLite, or pg_dump when DATABASE_URL is set); restore into an
# empty database (FORCE=1 overwrites) and verify counts and the audit chain.
backup: $(VENV)/.installed
	$(MANAGE) backup $(if $(KEEP),--keep $(KEEP))

restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/gongzhi-….sqlite3 [FORCE=1] [NO_MANIFEST=1]" >&2; exit 2; }
	$(MANAGE) restore "$(FILE)" $(if $(FORCE),--force) $(if $(NO_MANIFEST),--no-manifest)

clean:
	rm -rf $(VENV) node_modules var staticfiles locale/.compiled
