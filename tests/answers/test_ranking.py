"""The learned ranking and the answer bands: the shipped models, and what they decide."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.answers.ranking import (
    CONFIDENCE_FEATURES,
    FEATURES,
    Band,
    Confidence,
    Ranker,
    confidence_features,
    shipped_confidence,
    shipped_ranker,
)


def candidate(**values: float) -> list[float]:
    """A feature row: neutral values, with the named ones set."""
    row = dict.fromkeys(FEATURES, 0.0)
    row.update({"dense": 0.85, "coverage": 0.6, "specificity": 0.5, "position": 0.5, "passages": 4.0})
    row.update(values)
    return [row[name] for name in FEATURES]


# Three candidates of one question, in the retriever's order: the first is best on every
# count, the third worst (a fixture the shipped model must keep ordering the same way).
FIXTURE = np.array([
    candidate(rank=1.0, fused_gap=0.0, lexical_rel=1.0, dense=0.88, evidence=1.2, evidence_rel=1.0, coverage=0.9),
    candidate(rank=0.5, fused_gap=-0.4, lexical_rel=0.6, dense=0.85, evidence=0.6, evidence_rel=0.5, coverage=0.6),
    candidate(rank=1 / 3, fused_gap=-1.0, lexical_rel=0.2, dense=0.82, evidence=0.1, evidence_rel=0.1, coverage=0.2),
])


def test_the_shipped_models_load_from_the_package_data() -> None:
    ranker, sure = shipped_ranker(), shipped_confidence()
    assert ranker.trees and sure.trees
    assert 0.0 < sure.not_sure <= sure.confident < 1.0


def test_the_shipped_ranker_orders_the_fixture_and_always_the_same_way() -> None:
    ranker = shipped_ranker()
    scores = ranker.scores(FIXTURE)
    assert list(np.argsort(-scores, kind="stable")) == [0, 1, 2]
    assert np.array_equal(scores, ranker.scores(FIXTURE.copy()))



def _model(name: str) -> str:
    from importlib import resources

    return resources.files("bot").joinpath(f"data/{name}").read_text(encoding="utf-8")


def test_the_models_are_read_as_lightgbm_scores_them() -> None:
    lightgbm = pytest.importorskip("lightgbm")  # a training tool (the dev extra); serving reads the trees itself
    rng = np.random.default_rng(7)
    booster = lightgbm.Booster(model_str=_model("ranker.txt"))
    assert tuple(booster.feature_name()) == FEATURES
    x = np.vstack([FIXTURE, rng.uniform(-1.0, 5.0, size=(200, len(FEATURES)))])
    assert np.allclose(Ranker.from_string(_model("ranker.txt")).scores(x), booster.predict(x), rtol=1e-9, atol=1e-12)
    booster = lightgbm.Booster(model_str=_model("confidence.txt"))
    assert tuple(booster.feature_name()) == CONFIDENCE_FEATURES
    x = rng.uniform(-1.0, 6.0, size=(200, len(CONFIDENCE_FEATURES)))
    sure = Confidence.from_string(_model("confidence.txt"))
    assert np.allclose([sure.probability(row) for row in x], booster.predict(x), rtol=1e-9, atol=1e-12)


def test_a_model_for_other_features_is_refused() -> None:
    text = _model("confidence.txt")
    with pytest.raises(ValueError, match="features"):
        Ranker.from_string(text)
    with pytest.raises(ValueError, match="features"):
        Confidence.from_string(_model("ranker.txt"))


def test_a_neutral_ranker_keeps_the_retrievers_order() -> None:
    scores = Ranker.neutral().scores(FIXTURE[::-1])
    assert list(np.argsort(-scores, kind="stable")) == [0, 1, 2]
    assert Ranker.neutral().scores(np.zeros((0, len(FEATURES)))).size == 0


def test_three_bands_from_two_thresholds() -> None:
    sure = replace(shipped_confidence(), confident=0.6, not_sure=0.3)
    assert sure.band(0.6) is Band.CONFIDENT
    assert sure.band(0.59) is Band.NOT_SURE and sure.band(0.3) is Band.NOT_SURE
    assert sure.band(0.29) is Band.NOT_FOUND


def test_confidence_rises_with_a_passage_that_holds_the_question() -> None:
    sure, ranker = shipped_confidence(), shipped_ranker()
    near = FIXTURE.copy()
    far = FIXTURE.copy()
    far[:, FEATURES.index("dense")] = 0.76
    far[:, FEATURES.index("coverage")] = 0.1
    far[:, FEATURES.index("evidence")] = 0.0
    p_near = sure.probability(confidence_features(near, ranker.scores(near)))
    p_far = sure.probability(confidence_features(far, ranker.scores(far)))
    assert p_far < p_near
    assert sure.band(p_far) is Band.NOT_FOUND
