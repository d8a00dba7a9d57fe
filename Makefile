# Shortcuts; the scripts are the source of truth (README, CI).
.PHONY: setup demo test lint typecheck bench

setup:
	bash scripts/setup.sh

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

typecheck:
	.venv/bin/mypy

bench:
	.venv/bin/python bench/ingest_bench.py
