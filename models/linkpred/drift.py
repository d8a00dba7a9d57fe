"""Population stability: has the population (or the scores) moved since a model was trained?

PSI = Σ (actual% − expected%) · ln(actual% / expected%) over the reference's decile bins. The
usual reading: < 0.1 stable, 0.1–0.25 watch, > 0.25 the model is scoring a population it has not
seen. Promotion refuses above `linkpred_max_psi` unless forced.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

EPSILON = 1e-4


def reference_bins(values: np.ndarray, bins: int = 10) -> dict[str, list[float]]:
    """Decile edges of ``values`` and the share of values in each bin (the 'expected')."""
    edges = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)))
    if len(edges) < 2:
        edges = np.asarray([edges[0] - 0.5, edges[0] + 0.5])
    inner = edges[1:-1]
    share = np.bincount(np.searchsorted(inner, values, side="right"), minlength=len(edges) - 1)
    return {"inner_edges": inner.tolist(), "share": (share / max(len(values), 1)).tolist()}


def psi(reference: dict[str, list[float]], values: np.ndarray) -> float:
    expected = np.asarray(reference["share"], dtype=np.float64)
    inner = np.asarray(reference["inner_edges"], dtype=np.float64)
    counts = np.bincount(np.searchsorted(inner, values, side="right"), minlength=len(expected))
    actual = counts / max(len(values), 1)
    expected, actual = np.clip(expected, EPSILON, None), np.clip(actual, EPSILON, None)
    return float(((actual - expected) * np.log(actual / expected)).sum())


def feature_reference(table: pd.DataFrame) -> dict[str, Any]:
    return {str(column): reference_bins(table[column].to_numpy()) for column in table.columns}


def feature_psi(reference: dict[str, Any], table: pd.DataFrame) -> dict[str, float]:
    """PSI per feature present in both the reference and ``table``."""
    return {
        column: psi(bins, table[column].to_numpy())
        for column, bins in reference.items()
        if column in table.columns
    }
