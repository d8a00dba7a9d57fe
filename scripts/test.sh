#!/usr/bin/env bash
# The one command for the tests (CI runs exactly this): install, lint, type-check, then the
# whole pytest suite against a real Neo4j that the test session starts on free ports.
# Extra arguments go to pytest (e.g. -k ingest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${MARKETGRAPH_VENV:-.venv}"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/mypy"
exec "$VENV/bin/pytest" "$@"
