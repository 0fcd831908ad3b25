# Thin wrappers around dev.py, which needs nothing but Python >= 3.11.
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: start test test-pg lint format messages bench

start:
	python3 dev.py start

test:
	python3 dev.py test

test-pg:
	M2C_DATABASE_URL=$${M2C_DATABASE_URL:-$(PG_URL)} python3 dev.py test --pg

lint:
	.venv/bin/ruff check src tests benchmarks scripts dev.py

format:
	.venv/bin/ruff check --fix src tests benchmarks scripts dev.py

# Extract and compile the translation catalogues (needs GNU gettext; the compiled .mo files are committed).
messages:
	.venv/bin/python scripts/messages.py

bench:
	.venv/bin/python -m benchmarks.api_customers
