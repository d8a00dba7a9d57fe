"""Clusters from scored pairs under reviewers' constraints, and stable golden ids for them.

Why not plain connected components: a reviewer's "these two are different people" must hold
even when a chain of other matches connects them. So edges are added strongest first and an
edge is skipped when it would put a cannot-link pair into one cluster (constrained single
linkage); must-links are unions made before any edge. Existing clusters in an incremental run
are must-links too, so the one algorithm serves both modes. The model's own near-certain
non-matches (vetoes) constrain edges the same way: one name-only edge no longer joins two
people's clusters when another pair across them has, say, two different phone numbers.

Golden ids: each new cluster takes the id most of its members already carry (ties: the
smallest id), each prior id goes to at most one cluster (the one holding most of its records),
and only clusters with no usable prior id get a fresh, deterministic id.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent: dict[str, str] = {x: x for x in items}
        self.forbidden: dict[str, set[str]] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def forbid(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Never join the clusters that hold each pair (as they are now or later become)."""
        for a, b in pairs:
            if a in self.parent and b in self.parent:
                self.forbidden.setdefault(self.find(a), set()).add(b)
                self.forbidden.setdefault(self.find(b), set()).add(a)

    def blocked(self, a: str, b: str) -> bool:
        """True if joining the clusters of a and b would join a cannot-link pair."""
        ra, rb = self.find(a), self.find(b)
        fa, fb = self.forbidden.get(ra, set()), self.forbidden.get(rb, set())
        if len(fa) > len(fb):
            fa, fb, rb = fb, fa, ra
        return any(self.find(x) == rb for x in fa)

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[rb] = ra
        if rb in self.forbidden:
            self.forbidden.setdefault(ra, set()).update(self.forbidden.pop(rb))
        return True


@dataclass(frozen=True)
class Clustering:
    """Cluster label per record, and the pair that attached each non-root record."""

    label: dict[str, str]
    #: record id → (partner id, probability, weight, rule, pair index) of the edge that joined it.
    joined_by: dict[str, tuple[str, float, float, str, int]] = field(default_factory=dict)


def cluster(
    records: Iterable[str],
    pairs: pd.DataFrame,
    threshold: float,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    vetoes: Iterable[tuple[str, str]] | pd.DataFrame = (),
    exclusive: Mapping[str, str] | None = None,
) -> Clustering:
    """Constrained single-linkage clusters of ``records`` from ``pairs`` above ``threshold``.

    ``cannot_link`` (reviewers' rejections) binds must-links and edges alike; ``vetoes``
    (pairs the model is all but sure are two people) bind only edges, so a reviewer's accept
    or an existing cluster in an incremental run still stands. ``vetoes`` may be a frame
    with ``unique_id_l`` / ``unique_id_r`` columns (millions of rows at 1M records).
    ``exclusive`` maps records to a value no cluster may hold two of (a company's web
    domain); records holding different values are vetoed like the model's vetoes.
    """
    records = list(records)
    must_link = [(a, b) for a, b in must_link]
    # "cluster_score" (when present) is the probability raised to 1 for deterministic rules.
    score = "cluster_score" if "cluster_score" in pairs.columns else "match_probability"
    strong = pairs[pairs[score] >= threshold]
    strong = strong.sort_values([score, "unique_id_l", "unique_id_r"],
                                ascending=[False, True, True], kind="stable")  # fmt: skip
    uf = _UnionFind(records)
    uf.forbid(cannot_link)
    joined: dict[str, tuple[str, float, float, str, int]] = {}
    for a, b in must_link:
        if a in uf.parent and b in uf.parent and not uf.blocked(a, b) and uf.union(a, b):
            joined.setdefault(b, (a, 1.0, float("inf"), "must_link", -1))
    if not isinstance(vetoes, pd.DataFrame):
        vetoes = pd.DataFrame(list(vetoes), columns=["unique_id_l", "unique_id_r"])
    if not vetoes.empty or exclusive:  # components only when a constraint needs them
        component = _components(records, must_link, strong)
        uf.forbid(_binding(vetoes, records, component))
        if exclusive:
            uf.forbid(_conflicts(exclusive, records, component))
    cols = zip(
        strong["unique_id_l"].tolist(), strong["unique_id_r"].tolist(),
        strong["match_probability"].tolist(), strong["match_weight"].tolist(),
        strong["rule"].tolist(), strong.index.tolist(), strict=True,
    )  # fmt: skip
    for a, b, p, w, rule, idx in cols:
        if a not in uf.parent or b not in uf.parent or uf.find(a) == uf.find(b):
            continue
        if uf.blocked(a, b):
            continue
        uf.union(a, b)
        joined.setdefault(b, (a, float(p), float(w), str(rule), int(idx)))
        joined.setdefault(a, (b, float(p), float(w), str(rule), int(idx)))
    label = {x: uf.find(x) for x in uf.parent}
    return Clustering(label, joined)


def _components(
    records: list[str], must_link: list[tuple[str, str]], strong: pd.DataFrame
) -> np.ndarray:
    """Component number per record over must-links and strong edges: records in different
    components can never share a cluster, so constraints across them never bind."""
    index = pd.Index(records)
    left = np.concatenate([_numbers(index, (a for a, _ in must_link)),
                           _numbers(index, strong["unique_id_l"])])  # fmt: skip
    right = np.concatenate([_numbers(index, (b for _, b in must_link)),
                            _numbers(index, strong["unique_id_r"])])  # fmt: skip
    known = (left >= 0) & (right >= 0)
    edges = sp.coo_matrix(
        (np.ones(int(known.sum()), dtype=np.int8), (left[known], right[known])),
        shape=(len(index), len(index)),
    )
    _, component = connected_components(edges, directed=False)
    return np.asarray(component)


def _numbers(index: pd.Index, ids: Iterable[str]) -> np.ndarray:
    values = ids if isinstance(ids, pd.Series) else list(ids)  # no copy of a big column
    return index.get_indexer(pd.Index(values))  # -1: not among the records


def _binding(
    vetoes: pd.DataFrame, records: list[str], component: np.ndarray
) -> list[tuple[str, str]]:
    """The vetoes that can bind: those inside one component of must-links and strong edges.

    The model rules out far more pairs (6.7M at 1.3M records) than could ever be joined;
    keeping only these keeps the constraint sets small. Components and the filter are array
    operations over record numbers: a Python loop over every veto took 30 s at 1.3M records.
    """
    if vetoes.empty:
        return []
    index = pd.Index(records)
    veto_l = _numbers(index, vetoes["unique_id_l"])
    veto_r = _numbers(index, vetoes["unique_id_r"])
    inside = (veto_l >= 0) & (veto_r >= 0)
    inside[inside] = component[veto_l[inside]] == component[veto_r[inside]]
    return list(zip(vetoes["unique_id_l"][inside].astype(str),
                    vetoes["unique_id_r"][inside].astype(str), strict=True))  # fmt: skip


def _conflicts(
    exclusive: Mapping[str, str], records: list[str], component: np.ndarray
) -> list[tuple[str, str]]:
    """Every pair of records in one component that hold different exclusive values."""
    value = pd.Series(exclusive, dtype=object).reindex(records).to_numpy()
    held = pd.DataFrame({"record": records, "component": component, "value": value})
    held = held.dropna(subset=["value"])
    held = held[held.groupby("component")["value"].transform("nunique") > 1]
    pairs: list[tuple[str, str]] = []
    for _, group in held.groupby("component"):
        members = list(zip(group["record"].tolist(), group["value"].tolist(), strict=True))
        pairs += [(a, b) for i, (a, va) in enumerate(members) for b, vb in members[i + 1 :]
                  if va != vb]  # fmt: skip
    return pairs


@dataclass(frozen=True)
class IdChange:
    """One merge, split or creation, for the (:ResolutionEvent) history."""

    kind: str  # merge | split | create
    entity_id: str
    other_ids: list[str]
    record_ids: list[str]
    previous_ids: list[str | None]


def mint_id(prefix: str, members: Iterable[str], taken: Container[str]) -> str:
    """A deterministic id from the cluster's smallest record id, salted past collisions."""
    seed = min(members)
    salt = 0
    while True:
        digest = hashlib.sha256(f"{seed}#{salt}".encode()).hexdigest()[:12]
        candidate = f"{prefix}-{digest}"
        if candidate not in taken:
            return candidate
        salt += 1


def assign_ids(
    label: dict[str, str], prior: dict[str, str | None], prefix: str,
    taken: Callable[[list[str]], Container[str]],
) -> tuple[dict[str, str], list[IdChange]]:  # fmt: skip
    """Golden id per record from cluster labels and each record's prior id.

    ``taken`` answers which ids were ever issued (active or retired), so a fresh id never
    reuses one; it is given the ids this run would mint first, so that it can look up just
    those (an incremental run) or read every issued id (a full run). It is called only when
    some cluster needs a fresh id: a re-run on unchanged data mints none.
    """
    members: dict[str, list[str]] = defaultdict(list)
    for record, lab in label.items():
        members[lab].append(record)
    votes: dict[str, Counter[str]] = {
        lab: Counter(p for r in recs if (p := prior.get(r)) is not None)
        for lab, recs in members.items()
    }
    # Each prior id goes to the cluster holding most of its records (ties: smaller label).
    claims = sorted(
        ((-n, lab, pid) for lab, c in votes.items() for pid, n in c.items()),
        key=lambda t: (t[0], t[2], t[1]),
    )
    owner: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for _neg, lab, pid in claims:
        if pid in owner or lab in chosen:
            continue
        owner[pid], chosen[lab] = lab, pid
    issued: set[str] = set()
    # Each cluster's first-choice id (no salt), minted once: a first full run mints ~10^6.
    fresh = {lab: mint_id(prefix, members[lab], ()) for lab in members if lab not in chosen}
    earlier: Container[str] = taken(list(fresh.values())) if fresh else ()
    result: dict[str, str] = {}
    changes: list[IdChange] = []
    for lab in sorted(members):
        recs = sorted(members[lab])
        entity = chosen.get(lab)
        if entity is None:
            entity = fresh[lab]
            if entity in _Either(earlier, issued):
                entity = mint_id(prefix, recs, _Either(earlier, issued))
            issued.add(entity)
            prev_ids = sorted(votes[lab])
            kind = "split" if prev_ids else "create"
            changes.append(IdChange(kind, entity, prev_ids, recs, [prior.get(r) for r in recs]))
        else:
            others = sorted(set(votes[lab]) - {entity})
            if others:
                moved = [r for r in recs if prior.get(r) not in (None, entity)]
                changes.append(
                    IdChange("merge", entity, others, moved, [prior.get(r) for r in moved])
                )
        for r in recs:
            result[r] = entity
    return result, changes


@dataclass(frozen=True)
class _Either:
    """Ids issued before this run or minted by it, without copying the former into a set."""

    earlier: Container[str]
    now: set[str]

    def __contains__(self, candidate: object) -> bool:
        return candidate in self.now or candidate in self.earlier
