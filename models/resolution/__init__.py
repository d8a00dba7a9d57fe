"""Entity resolution: source records → unified (:Customer) and (:Account) with stable ids.

The public surface is these few functions; everything else in the package is internal.
"""

from models.resolution.engine import KindReport
from models.resolution.metrics import Accuracy, score
from models.resolution.operations import (
    UnmergeResult,
    decide,
    explain,
    list_reviews,
    record_decision,
    unmerge,
)
from models.resolution.run import ResolutionReport, resolve

__all__ = [
    "Accuracy",
    "KindReport",
    "ResolutionReport",
    "UnmergeResult",
    "decide",
    "explain",
    "list_reviews",
    "record_decision",
    "resolve",
    "score",
    "unmerge",
]
