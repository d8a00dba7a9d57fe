"""Model artifacts on disk: one folder per training run, with a meta.json that says everything.

The cross-sell model is saved by kind: nothing for popularity / co-purchase (they are read from
the graph at scoring time), a joblib file for the trees, a torch state dict for the GNN (rebuilt
from a graph of the same shape and loaded). Propensity models are sklearn objects (joblib).
The vocabulary (industries, interaction kinds, categories, SKUs) is the node-id mapping a
scoring run needs to build exactly the columns the model was trained on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import torch

from graph.errors import ModelError
from models.linkpred.baselines import CoPurchaseRanker, PopularityRanker, Ranker, TabularRanker
from models.linkpred.features import Vocabulary
from models.linkpred.gnn import GNNRanker
from models.linkpred.gnn_net import LinkPredictor, hetero_graph
from models.linkpred.propensity import PropensityModel
from models.linkpred.snapshot import Snapshot


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class SavedRun:
    folder: Path
    meta: dict[str, Any]

    @property
    def vocabulary(self) -> Vocabulary:
        v = self.meta["vocabulary"]
        return Vocabulary(
            industries=tuple(v["industries"]),
            kinds=tuple(v["kinds"]),
            categories=tuple(v["categories"]),
            subcategories=tuple(v["subcategories"]),
            skus=tuple(v["skus"]),
        )


def save_run(
    folder: Path, meta: dict[str, Any], cross_sell: Ranker, propensity: PropensityModel
) -> dict[str, Path]:
    """Write the artifacts and meta.json; return the artifact path per task."""
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(cross_sell, GNNRanker):
        if cross_sell.model is None:
            raise ModelError("the GNN was never trained")
        cross_path = folder / "cross_sell.pt"
        torch.save(
            {"state_dict": cross_sell.model.state_dict(), "hidden": cross_sell.hidden}, cross_path
        )
    elif isinstance(cross_sell, TabularRanker):
        cross_path = folder / "cross_sell.joblib"
        joblib.dump(cross_sell, cross_path)
    else:
        cross_path = folder / "cross_sell.json"
        cross_path.write_text(json.dumps({"kind": cross_sell.name}))
    propensity_path = folder / "propensity.joblib"
    joblib.dump(propensity, propensity_path)
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, default=str))
    return {"cross_sell": cross_path, "propensity": propensity_path}


def load_run(folder: Path) -> SavedRun:
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise ModelError(
            f"Model artifacts are missing at {folder}. They live under MARKETGRAPH_STATE_DIR; "
            "retrain with `marketgraph train` if the folder was deleted."
        )
    meta: dict[str, Any] = json.loads(meta_path.read_text())
    return SavedRun(folder=folder, meta=meta)


def verify(path: Path, expected_sha256: str | None) -> None:
    if not path.exists():
        raise ModelError(f"Model artifact {path} is missing; retrain with `marketgraph train`.")
    if expected_sha256 and sha256_of(path) != expected_sha256:
        raise ModelError(f"Model artifact {path} does not match its registered checksum.")


def load_cross_sell(run: SavedRun, snapshot: Snapshot) -> Ranker:
    kind = run.meta["cross_sell_model"]
    if kind == PopularityRanker.name:
        return PopularityRanker()
    if kind == CoPurchaseRanker.name:
        return CoPurchaseRanker()
    if kind == TabularRanker.name:
        ranker: TabularRanker = joblib.load(run.folder / "cross_sell.joblib")
        return ranker
    if kind == GNNRanker.name:
        saved = torch.load(run.folder / "cross_sell.pt", weights_only=True)
        graph = hetero_graph(snapshot)
        model = LinkPredictor(graph, len(snapshot.vocabulary.skus), int(saved["hidden"]))
        with torch.no_grad():
            model.encoder(graph)  # materialise lazy layers, then load the trained weights
        try:
            model.load_state_dict(saved["state_dict"])
        except RuntimeError as error:  # layer names or shapes changed between releases
            raise ModelError(
                f"The GNN in {run.folder} was saved by a different version of the network "
                f"and cannot be loaded ({str(error).splitlines()[0]}). Train a new version "
                "with `marketgraph train` (or roll back to a non-GNN version with "
                "`marketgraph models rollback`)."
            ) from error
        gnn = GNNRanker(validation=None, hidden=int(saved["hidden"]))
        gnn.model = model
        return gnn
    raise ModelError(f"Unknown cross-sell model kind {kind!r} in {run.folder}/meta.json")


def load_propensity(run: SavedRun) -> PropensityModel:
    model: PropensityModel = joblib.load(run.folder / "propensity.joblib")
    return model
