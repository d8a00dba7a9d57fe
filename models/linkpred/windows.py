"""Temporal windows: what a model may see, and what it is judged on.

Why: a random edge split lets a model peek at the future (a purchase in March "explains" one in
January). Every window here cuts at one instant: input events strictly before ``input_end``,
labels in ``[input_end, label_end)``. Training windows lie before the validation window, which
lies before the test window, which ends at the newest event; serving uses all history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.errors import ModelError
from models.linkpred.frames import GraphFrames

DAY = 86_400


@dataclass(frozen=True)
class Window:
    """One cut: inputs before ``input_end``, labels in ``[input_end, label_end)``."""

    name: str
    input_end: int
    label_end: int

    def describe(self) -> dict[str, str]:
        def iso(t: int) -> str:
            return str(np.datetime64(t, "s"))

        return {
            "name": self.name,
            "input_end": iso(self.input_end),
            "label_end": iso(self.label_end),
        }


@dataclass(frozen=True)
class WindowPlan:
    train: tuple[Window, ...]
    validation: Window
    test: Window
    serve: Window


def plan_windows(frames: GraphFrames, horizon_days: int, train_windows: int = 2) -> WindowPlan:
    """Stack windows of ``horizon_days`` back from the newest purchase."""
    if frames.purchases.empty:
        raise ModelError("No paid purchases in the graph: there is nothing to learn from.")
    horizon = horizon_days * DAY
    now = frames.last_event_at + 1
    first = int(frames.purchases["at"].min())
    needed = (train_windows + 2) * horizon
    if now - first < needed + horizon:
        raise ModelError(
            f"Purchase history spans {(now - first) // DAY} days; {train_windows + 3} windows of "
            f"{horizon_days} days need {(needed + horizon) // DAY}. Lower "
            "MARKETGRAPH_LINKPRED_HORIZON_DAYS or load more history."
        )
    train = tuple(
        Window(f"train-{i}", now - (i + 2) * horizon, now - (i + 1) * horizon)
        for i in range(train_windows, 0, -1)
    )
    return WindowPlan(
        train=train,
        validation=Window("validation", now - 2 * horizon, now - horizon),
        test=Window("test", now - horizon, now),
        serve=Window("serve", now, now + horizon),
    )


@dataclass(frozen=True)
class Labels:
    """What happened in a window's label period, for the customers known before it."""

    population: np.ndarray  # customers with any event before input_end (the ones we could score)
    new_pairs: np.ndarray  # (n, 2) customer, product bought in the period and never before
    bought_any: np.ndarray  # bool per population entry: any paid purchase in the period


def window_labels(frames: GraphFrames, window: Window) -> Labels:
    """Cross-sell positives (new products only) and the propensity label for ``window``."""
    before = frames.purchases_before(window.input_end)
    seen = np.union1d(
        before["customer"].unique(),
        frames.interactions_before(window.input_end)["customer"].unique(),
    )
    period = frames.purchases[
        (frames.purchases["at"] >= window.input_end) & (frames.purchases["at"] < window.label_end)
    ]
    owned = pd.MultiIndex.from_frame(before[["customer", "product"]].drop_duplicates())
    pairs = period[["customer", "product"]].drop_duplicates()
    fresh = ~pd.MultiIndex.from_frame(pairs).isin(owned)
    new_pairs = pairs[fresh & pairs["customer"].isin(seen)].to_numpy(dtype=np.int64)
    buyers = np.isin(seen, period["customer"].unique())
    return Labels(population=seen.astype(np.int64), new_pairs=new_pairs, bought_any=buyers)


def positives_by_customer(labels: Labels, customers: np.ndarray) -> list[np.ndarray]:
    """The new products each of ``customers`` bought in the label period (grouped once)."""
    frame = pd.DataFrame(labels.new_pairs, columns=["customer", "product"])
    groups = {int(str(c)): g.to_numpy() for c, g in frame.groupby("customer")["product"]}
    empty = np.zeros(0, dtype=np.int64)
    return [groups.get(int(c), empty) for c in customers]
