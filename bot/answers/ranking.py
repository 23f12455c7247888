"""Learned ranking of the passages a member sees, and how sure the answer is.

The retriever proposes candidates (hybrid BM25 + dense, with its nudges); two models fitted
by ``bench/train_ranker.py`` on every labelled set the team has (judged leave-one-corpus-out)
take it from there:

- :class:`Ranker` orders the candidates: LightGBM lambdarank over the features below, shipped
  as LightGBM's text model (bot/data/ranker.txt) and read here with numpy alone;
- :class:`Confidence` says how likely the first passage answers at all: a LightGBM binary
  model over the first passage's features and its lead over the second (bot/data/confidence.txt),
  with two thresholds that give the three answer bands (bot/data/confidence.json).

Features are relative to the question's candidates (rank, gaps to the best), absolute and
bounded (cosines, shares of the question's words), or the size of the knowledge base, so
the models can tell a one-document knowledge base (the sample) from 5,000 passages.

Example::

    >>> sure = Confidence(trees=[], confident=0.6, not_sure=0.3)  # no trees: probability 0.5
    >>> sure.band(sure.probability(np.zeros(len(CONFIDENCE_FEATURES))))
    <Band.NOT_SURE: 'not_sure'>
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

import numpy as np

# The order of the columns of a feature matrix (bot/answers/answer.py computes them).
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


@dataclass(frozen=True)
class _Tree:
    """One regression tree of a LightGBM text model (numerical splits only)."""

    feature: np.ndarray  # per split node
    threshold: np.ndarray
    default_left: np.ndarray  # where a missing (NaN) value goes
    left: np.ndarray  # child: >= 0 a split node, < 0 the leaf ~child
    right: np.ndarray
    leaf: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        out = np.empty(len(x))
        for i, row in enumerate(x):
            node = 0 if len(self.feature) else -1
            while node >= 0:
                value = row[self.feature[node]]
                go_left = bool(self.default_left[node]) if math.isnan(value) else value <= self.threshold[node]
                node = int(self.left[node] if go_left else self.right[node])
            out[i] = self.leaf[~node]
        return out


def _sum(trees: list[_Tree], x: np.ndarray) -> np.ndarray:
    """A boosted model's raw score of each row: the sum of its trees' leaves."""
    return np.sum([tree.predict(x) for tree in trees], axis=0) if trees else np.zeros(len(x))


def _trees(model: str) -> tuple[tuple[str, ...], list[_Tree]]:
    """The feature names and trees of LightGBM's text model (``Booster.model_to_string()``), read
    without LightGBM: serving needs numpy only (LightGBM and its scipy stay in the training tools)."""
    names: tuple[str, ...] = ()
    trees: list[_Tree] = []
    for block in (b.strip() for b in model.split("\n\n")):
        fields = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        if "feature_names" in fields:
            names = tuple(fields["feature_names"].split())
        if not block.startswith("Tree="):
            continue

        def numbers(key: str, kind: type = float, fields: dict[str, str] = fields) -> np.ndarray:
            return np.array([kind(v) for v in fields.get(key, "").split()])

        if int(fields.get("num_cat", "0")):
            raise ValueError("ranking model has categorical splits, which this reader does not take")
        decision = numbers("decision_type", int)
        if len(decision) and ((decision & 1).any() or ((decision >> 2) & 3 == 1).any()):
            raise ValueError("ranking model treats zero as missing or splits on categories: not supported")
        trees.append(_Tree(numbers("split_feature", int), numbers("threshold"), (decision >> 1) & 1,
                           numbers("left_child", int), numbers("right_child", int), numbers("leaf_value")))
    return names, trees


class Ranker:
    """Orders candidates by a gradient-boosted model's score (higher first)."""

    def __init__(self, trees: list[_Tree] | None, names: tuple[str, ...] = FEATURES) -> None:
        self.trees = trees  # None: keep the retriever's order (collecting training features)
        if names != FEATURES:
            raise ValueError(f"ranking model has features {names}, the code computes {FEATURES}")

    @classmethod
    def from_string(cls, model: str) -> Ranker:
        names, trees = _trees(model)
        return cls(trees, names)

    @classmethod
    def neutral(cls) -> Ranker:
        return cls(None)

    def scores(self, features: np.ndarray) -> np.ndarray:
        if features.size == 0:
            return np.zeros(0)
        if self.trees is None:
            return -np.arange(len(features), dtype=np.float64)
        return _sum(self.trees, features)


# What the confidence is computed from: the first passage (after ranking) and its lead.
CONFIDENCE_FEATURES: tuple[str, ...] = (
    "score", "lead", "dense", "coverage", "specificity", "evidence", "kind_match", "passages",
)
_COLUMNS = [FEATURES.index(name) for name in CONFIDENCE_FEATURES[2:]]


def confidence_features(features: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The confidence model's input from the candidates' features and ranking scores."""
    order = np.argsort(-scores, kind="stable")
    first = order[0]
    lead = float(scores[first] - scores[order[1]]) if len(order) > 1 else 1.0
    return np.concatenate([[scores[first], lead], features[first, _COLUMNS]])


@dataclass(frozen=True)
class Confidence:
    """A gradient-boosted binary model over :data:`CONFIDENCE_FEATURES` (LightGBM's text model,
    read with numpy as the ranker is), and the bands' thresholds on its probability."""

    trees: list[_Tree]
    confident: float = 0.5  # probability from which the answer is confident
    not_sure: float = 0.2  # from which the nearest passages are shown as "not sure"

    @classmethod
    def from_string(cls, model: str, confident: float = 0.5, not_sure: float = 0.2) -> Confidence:
        names, trees = _trees(model)
        if names != CONFIDENCE_FEATURES:
            raise ValueError(f"confidence model has features {names}, the code computes {CONFIDENCE_FEATURES}")
        return cls(trees, confident, not_sure)

    def probability(self, features: np.ndarray) -> float:
        z = float(_sum(self.trees, np.asarray(features, dtype=np.float64).reshape(1, -1))[0])
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def band(self, probability: float) -> Band:
        if probability >= self.confident:
            return Band.CONFIDENT
        return Band.NOT_SURE if probability >= self.not_sure else Band.NOT_FOUND


def _data(name: str) -> str:
    return resources.files("bot").joinpath(f"data/{name}").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def shipped_ranker() -> Ranker:
    """The ranking model in the package data (bot/data/ranker.txt)."""
    return Ranker.from_string(_data("ranker.txt"))


@lru_cache(maxsize=1)
def shipped_confidence() -> Confidence:
    """The confidence model (bot/data/confidence.txt) and its thresholds (bot/data/confidence.json)."""
    bands = json.loads(_data("confidence.json"))
    return Confidence.from_string(_data("confidence.txt"), float(bands["confident"]), float(bands["not_sure"]))
