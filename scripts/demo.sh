#!/usr/bin/env bash
# The one command for the demo: install, start a local Neo4j, load the demo company, summarise.
# Extra arguments go to `marketgraph demo` (e.g. --customers 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec "${MARKETGRAPH_VENV:-.venv}/bin/marketgraph" demo "$@"
