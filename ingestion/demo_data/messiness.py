"""How one identity gets written differently by different systems and people.

The variations are those entity resolution meets in real exports: typing slips (swapped,
dropped, doubled or replaced letters), nicknames, shouting or lower-case names, first and last
name swapped, phone numbers in half a dozen formats, company names with and without their
legal suffix. Each function perturbs only the rows selected by a mask, so systems can apply
them at their own rates. All variations still satisfy the data contracts: messiness is not the
same thing as invalid data, which ``malformed`` adds separately and counts.

Per-row Python is used only for the few percent of rows that get a typo, nickname or company
variant; everything else is column-wise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.vector_strings import STR, cat, text

_KEYBOARD_NEIGHBOURS = {
    "a": "sqwz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}


def _typo(word: str, r: float, s: float) -> str:
    """One slip of the fingers; ``r`` picks the kind, ``s`` the position."""
    if len(word) < 3:
        return word
    i = 1 + int(s * (len(word) - 2))  # keep the first letter, as people rarely miss it
    if r < 0.3:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if i + 1 < len(word) else word
    if r < 0.55:
        return word[:i] + word[i + 1 :]
    if r < 0.75:
        return word[:i] + word[i] + word[i:]
    near = _KEYBOARD_NEIGHBOURS.get(word[i].lower())
    if not near:
        return word[:i] + word[i + 1 :]
    replacement = near[int(s * 997) % len(near)]
    return word[:i] + (replacement.upper() if word[i].isupper() else replacement) + word[i + 1 :]


def typos(rng: np.random.Generator, values: pd.Series, mask: np.ndarray) -> pd.Series:
    """Introduce one typo into the selected (non-missing) values."""
    out = values.reset_index(drop=True).copy()
    idx = np.flatnonzero(mask & out.notna().to_numpy())
    if len(idx):
        r, s = rng.random(len(idx)), rng.random(len(idx))
        current = out.iloc[idx].tolist()
        out.iloc[idx] = [_typo(w, a, b) for w, a, b in zip(current, r, s, strict=True)]
    return out


def nicknames(rng: np.random.Generator, first: pd.Series, mask: np.ndarray) -> pd.Series:
    """Replace formal first names by a nickname (Robert → Bob) where one exists."""
    out = first.reset_index(drop=True).copy()
    known = out.isin(list(vocab.NICKNAMES)).to_numpy()
    idx = np.flatnonzero(mask & known)
    if len(idx):
        r = rng.random(len(idx))
        names = out.iloc[idx].tolist()
        out.iloc[idx] = [
            vocab.NICKNAMES[n][int(x * len(vocab.NICKNAMES[n]))]
            for n, x in zip(names, r, strict=True)
        ]
    return out


def recase(values: pd.Series, upper: np.ndarray, lower: np.ndarray) -> pd.Series:
    """``SMITH`` / ``smith`` for the selected rows."""
    out = values.reset_index(drop=True).copy()
    for mask, change in ((upper, str.upper), (lower, str.lower)):
        rows = np.flatnonzero(mask & out.notna().to_numpy())
        out.iloc[rows] = [change(v) for v in out.iloc[rows].tolist()]
    return out


def swap(a: pd.Series, b: pd.Series, mask: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Exchange two columns in the selected rows (first and last name filled in wrongly)."""
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    m = pd.Series(mask)
    return a.where(~m, b), b.where(~m, a)


def _grouped(nsn: pd.Series, groups: tuple[int, ...]) -> pd.Series:
    parts, start = [], 0
    for size in groups:
        parts.append(nsn.str.slice(start, start + size))
        start += size
    out = parts[0]
    for part in parts[1:]:
        out = out + " " + part
    return out


def phones(rng: np.random.Generator, nsn: pd.Series, country: np.ndarray) -> pd.Series:
    """Write national numbers the many ways people do (+44 7700 900123, 07700900123, ...)."""
    nsn = nsn.reset_index(drop=True)
    out = pd.Series(np.full(len(nsn), "", dtype=object), dtype=STR)
    style = rng.choice(6, size=len(nsn), p=[0.3, 0.2, 0.2, 0.15, 0.1, 0.05])
    for k, spec in enumerate(vocab.COUNTRIES):
        idx = np.flatnonzero(country == k)
        if not len(idx):
            continue
        number = nsn.iloc[idx].reset_index(drop=True)
        grouped = _grouped(number, spec.groups)
        cc = spec.calling_code
        variants = [
            "+" + cc + " " + grouped,
            "+" + cc + number,
            spec.trunk + number,
            spec.trunk + grouped,
            "00" + cc + " " + grouped,
            "(" + spec.trunk + number.str.slice(0, 3) + ") " + number.str.slice(3),
        ]
        if not spec.trunk:  # North America: 212-555-0123 rather than a trunk prefix
            variants[2] = cat(
                number.str.slice(0, 3), "-", number.str.slice(3, 6), "-", number.str.slice(6)
            )
        chosen = variants[0]
        for j, variant in enumerate(variants[1:], start=1):
            chosen = chosen.where(pd.Series(style[idx] != j), variant)
        out.iloc[idx] = chosen.to_numpy()
    return out


def company_variant(base: str, suffix: str, kind: int) -> str:
    """One way of writing a company name: ``Acme Ltd`` / ``ACME LIMITED`` / ``Acme`` / ...."""
    if kind == 0:
        return f"{base} {suffix}"
    if kind == 1:
        return f"{base} {vocab.SUFFIX_LONG_FORMS.get(suffix, suffix)}".upper()
    if kind == 2:
        return base
    if kind == 3:
        return f"{base} {vocab.SUFFIX_LONG_FORMS.get(suffix, suffix)}"
    if kind == 4:
        return f"{base.replace(' & ', ' and ')} {suffix}".lower() + "."
    return f"{base}, {suffix}"


def company_names(
    rng: np.random.Generator, base: pd.Series, suffix: pd.Series, p_canonical: float
) -> pd.Series:
    """Company names as typed into a system: canonical with probability ``p_canonical``."""
    kinds = np.where(rng.random(len(base)) < p_canonical, 0, rng.integers(1, 6, size=len(base)))
    values = [
        company_variant(b, s, int(k))
        for b, s, k in zip(base.tolist(), suffix.tolist(), kinds, strict=True)
    ]
    return text(values)


def personal_names(
    rng: np.random.Generator, first: pd.Series, last: pd.Series, rates: dict[str, float]
) -> tuple[pd.Series, pd.Series]:
    """First and last name as one system holds them, given per-variation rates."""
    n = len(first)

    def draw(name: str) -> np.ndarray:
        return rng.random(n) < rates.get(name, 0.0)

    first = nicknames(rng, first, draw("nickname"))
    first = typos(rng, first, draw("typo"))
    last = typos(rng, last, draw("typo"))
    last = recase(last, draw("upper"), draw("lower"))
    first = recase(first, np.zeros(n, dtype=bool), draw("lower"))
    first, last = swap(first, last, draw("swap"))
    return first, last
