#!/usr/bin/env bash
# Create .venv and install marketgraph with its dev tools, then fetch the local Neo4j.
# Idempotent and quick when already done. Needs Python >= 3.11, Java 17/21 and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${MARKETGRAPH_VENV:-.venv}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "marketgraph needs Python >= 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# On shared CI machines a CPU-only torch wheel sits beside the repo; installing it first keeps
# pip from pulling the 3 GB CUDA build of torch (a core dependency of the models).
if compgen -G "../shared/wheels/torch-*.whl" > /dev/null; then
  "$VENV/bin/python" -m pip install --quiet ../shared/wheels/torch-*.whl
fi
# llama.cpp (the `llm` extra) is built for generic x86-64: a build for the host CPU's every
# instruction crashes on VMs that report AMX / AVX-512 they do not fully support.
CMAKE_ARGS="-DGGML_NATIVE=OFF ${CMAKE_ARGS:-}" \
  "$VENV/bin/python" -m pip install --quiet -e ".[dev${MARKETGRAPH_EXTRAS:+,$MARKETGRAPH_EXTRAS}]"
if [[ ",${MARKETGRAPH_EXTRAS:-}," == *",llm,"* ]] && ! "$VENV/bin/python" scripts/check_llm.py; then
  # pip reuses a cached wheel built earlier for the host CPU: build a generic one instead.
  echo "the local LLM crashed on this CPU; rebuilding llama-cpp-python for generic x86-64 (~5 min)" >&2
  version="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))')"
  CMAKE_ARGS="-DGGML_NATIVE=OFF ${CMAKE_ARGS:-}" "$VENV/bin/python" -m pip install --quiet \
    --no-cache-dir --force-reinstall --no-deps "llama-cpp-python==$version"
  "$VENV/bin/python" scripts/check_llm.py
fi
# GraphiQL's JS/CSS from the npm registry, so /graphql works offline (skipped when present;
# without npm the API serves GraphiQL from its CDN instead, so this never fails the setup).
"$VENV/bin/python" scripts/graphiql_assets.py || echo "note: GraphiQL will load from its CDN" >&2
if [ -z "${NEO4J_URI:-}${MARKETGRAPH_NEO4J_URI:-}" ]; then
  "$VENV/bin/marketgraph" neo4j install
fi
