"""Learned ranking of the passages a member sees, and how sure the answer is.

The retriever proposes candidates (hybrid BM25 + dense, with its nudges); two models fitted
by ``bench/train_ranker.py`` on every labelled set the team has (judged leave-one-corpus-out)
take it from there:

- :class:`Ranker` orders the candidates: LightGBM lambdarank over the features below, shipped
  as LightGBM's text model (bot/data/ranker.txt);
- :class:`Confidence` says how likely the first passage answers at all: a logistic model over
  the first passage's features and its lead over the second (bot/data/confidence.json), with
  two thresholds that give the three answer bands.

Features are relative to the question's candidates (rank, gaps to the best), absolute and
bounded (cosines, shares of the question's words), or the size of the knowledge base, so
the models can tell a one-document knowledge base (the sample) from 5,000 passages.

Example::

    >>> import lightgbm as lgb
import numpy as np
    >>> sure = Confidence(np.zeros(len(CONFIDENCE_FEATURES)), 0.0, np.zeros(len(CONFIDENCE_FEATURES)),
    ...                   np.ones(len(CONFIDENCE_FEATURES)), confident=0.6, not_sure=0.3)
    >>> sure.band(0.5)
    <Band.NOT_SURE: 'not_sure'>
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # LightGBM is imported when a model is loaded, not by every user of Band
    import lightgbm as lgb

# The order of the columns of a feature matrix (bot/answer.py computes them).
FEATURES: tuple[str, ...] = (
    "rank",            # 1 / (1 + position in the retriever's order)
    "fused_gap",       # fused score minus the best candidate's, over the candidates' spread
    "lexical_rel",     # BM25 score over the best candidate's
    "dense",           # cosine of the passage with the question
    "dense_gap",       # that cosine minus the best candidate's
    "coverage",        # share of the question's syllables in the passage
    "specificity",     # the same share weighted by rarity (IDF)
    "evidence",        # log(1 + best sentence's score): the question's words together
    "evidence_rel",    # that score over the best candidate's
    "kind_match",      # the question wants a number or a date and the passage has one
    "named",           # the passage's document is the one the question cites (number, law name)
    "article",         # the passage is the "Điều N" the question names
    "definition",      # "X là gì?" and the passage defines X
    "signer",          # "do ai ký?" and this is the document's last passage (signature block)
    "superseded",      # a newer version of the document exists
    "position",        # where the passage stands in its document (0 first, 1 last)
    "passages",        # log(1 + passages in the knowledge base): how much the relative features say
)


class Band(StrEnum):
    """What kind of answer a member gets."""

    CONFIDENT = "confident"  # the answer, as found
    NOT_SURE = "not_sure"  # the nearest passages, labelled as such, with the contact line
    NOT_FOUND = "not_found"  # nothing near: says so and points to a person


class Ranker:
    """Orders candidates by a LightGBM model's score (higher first)."""

    def __init__(self, booster: lgb.Booster | None) -> None:
        self.booster = booster  # None: keep the retriever's order (collecting training features)
        if booster is not None and tuple(booster.feature_name()) != FEATURES:
            raise ValueError(f"ranking model has features {booster.feature_name()}, the code computes {FEATURES}")

    @classmethod
    def from_string(cls, model: str) -> Ranker:
        import lightgbm

        return cls(lightgbm.Booster(model_str=model))

    @classmethod
    def neutral(cls) -> Ranker:
        return cls(None)

    def scores(self, features: np.ndarray) -> np.ndarray:
        if features.size == 0:
            return np.zeros(0)
        if self.booster is None:
            return -np.arange(len(features), dtype=np.float64)
        return np.asarray(self.booster.predict(features, num_threads=1), dtype=np.float64)


# What the confidence is computed from: the first passage (after ranking) and its lead.
CONFIDENCE_FEATURES: tuple[str, ...] = (
    "score", "lead", "dense", "coverage", "specificity", "evidence", "kind_match", "passages",
)
_COLUMNS = [FEATURES.index(name) for name in ("dense", "coverage", "specificity", "evidence", "kind_match",
                                              "passages")]


def confidence_features(features: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The confidence model's input from the candidates' features and ranking scores."""
    order = np.argsort(-scores, kind="stable")
    first = order[0]
    lead = float(scores[first] - scores[order[1]]) if len(order) > 1 else 1.0
    return np.concatenate([[scores[first], lead], features[first, _COLUMNS]])


@dataclass(frozen=True)
class Confidence:
    """A logistic model over standardised :data:`CONFIDENCE_FEATURES`, and the bands' thresholds."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    confident: float = 0.5  # probability from which the answer is confident
    not_sure: float = 0.2  # from which the nearest passages are shown as "not sure"

    def probability(self, features: np.ndarray) -> float:
        z = float(((features - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def band(self, probability: float) -> Band:
        if probability >= self.confident:
            return Band.CONFIDENT
        return Band.NOT_SURE if probability >= self.not_sure else Band.NOT_FOUND

    def to_json(self) -> dict[str, object]:
        return {"features": list(CONFIDENCE_FEATURES), "weights": [float(w) for w in self.weights],
                "bias": float(self.bias), "mean": [float(m) for m in self.mean],
                "scale": [float(s) for s in self.scale], "confident": self.confident, "not_sure": self.not_sure}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Confidence:
        names: tuple[str, ...] = tuple(data["features"])  # type: ignore[arg-type]
        if names != CONFIDENCE_FEATURES:
            raise ValueError(f"confidence model has features {names}, the code computes {CONFIDENCE_FEATURES}")
        return cls(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]),  # type: ignore[arg-type]
                   np.asarray(data["mean"], dtype=np.float64), np.asarray(data["scale"], dtype=np.float64),
                   float(data["confident"]), float(data["not_sure"]))  # type: ignore[arg-type]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


def _data(name: str) -> str:
    return resources.files("bot").joinpath(f"data/{name}").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def shipped_ranker() -> Ranker:
    """The ranking model in the package data (bot/data/ranker.txt)."""
    return Ranker.from_string(_data("ranker.txt"))


@lru_cache(maxsize=1)
def shipped_confidence() -> Confidence:
    """The confidence model and thresholds in the package data (bot/data/confidence.json)."""
    return Confidence.from_json(json.loads(_data("confidence.json")))
