# Shortcuts; the scripts are the source of truth (README, CI).
.PHONY: setup demo test lint typecheck bench bench-ingest bench-resolution bench-resolution-e2e bench-api bench-linkpred bench-copy bench-jobs

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

bench: bench-ingest bench-resolution bench-resolution-e2e bench-api bench-linkpred bench-copy bench-jobs

bench-ingest:
	.venv/bin/python bench/ingest_bench.py --sizes 10k,100k

bench-resolution:
	.venv/bin/python bench/resolution_bench.py demo --customers 2000 10000

bench-resolution-e2e:
	.venv/bin/python bench/resolution_e2e_bench.py --records 10k,100k

bench-api:
	bash scripts/fetch_wrk.sh
	.venv/bin/python bench/api_bench.py --customers 2000 --driver wrk --workers 1,2

bench-linkpred:
	.venv/bin/python bench/linkpred_bench.py movielens
	.venv/bin/python bench/linkpred_bench.py demo --customers 2000,10000 --write-back

bench-copy:
	.venv/bin/python bench/copy_bench.py

bench-jobs:
	.venv/bin/python bench/jobs_bench.py --customers 2000 10000
