"""Propensity and cross-sell: a PyG link predictor over the customer graph, judged against
baselines on a temporal split, versioned in a registry, explained by graph paths.

Public surface (the internals live in the sibling modules):
- `train(db, settings)`: export → train every candidate → save → register (→ serve the first).
- `score(db, settings, run_id)`, `promote(...)`, `rollback(...)`, `list_versions(db)`.
- `train_models(frames, params)`: the database-free core the benchmarks use.
"""

from models.linkpred.export import export_graph
from models.linkpred.frames import GraphFrames
from models.linkpred.service import list_versions, promote, prune, rollback, score, train
from models.linkpred.training import TrainedModels, TrainingParams, train_models

__all__ = [
    "GraphFrames",
    "TrainedModels",
    "TrainingParams",
    "export_graph",
    "list_versions",
    "promote",
    "prune",
    "rollback",
    "score",
    "train",
    "train_models",
]
