"""Prometheus metrics of one process (served at ``/metrics`` in webhook mode).

Each process has its own registry, so tests can run several bots side by side; with
several replicas, Prometheus scrapes each and sums.

Example::

    >>> t = Telemetry()
    >>> t.question("answered", 0.031)
    >>> b"hoidoan_questions_total" in t.render()
    True
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Telemetry:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter("hoidoan_questions", "Questions answered, by result (answered, abstained, faq)",
                                 ["result"], registry=self.registry)
        self.latency = Histogram("hoidoan_answer_seconds", "Time from question to answer ready (retrieval + log)",
                                 buckets=(0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
                                 registry=self.registry)
        self.feedback_votes = Counter("hoidoan_feedback", "Feedback votes, by value (up, down)", ["value"],
                                      registry=self.registry)
        self.sends = Counter("hoidoan_announcement_sends", "Announcement deliveries, by result",
                             ["result"], registry=self.registry)
        self.index_documents = Gauge("hoidoan_index_documents", "Documents in the served index",
                                     registry=self.registry)
        self.index_passages = Gauge("hoidoan_index_passages", "Passages in the served index", registry=self.registry)
        self.index_version = Gauge("hoidoan_index_version_info", "The served index version (value is always 1)",
                                   ["version"], registry=self.registry)
        for result in ("answered", "abstained", "faq"):
            self.questions.labels(result)
        for value in ("up", "down"):
            self.feedback_votes.labels(value)

    def question(self, result: str, seconds: float) -> None:
        self.questions.labels(result).inc()
        self.latency.observe(seconds)

    def feedback(self, value: str) -> None:
        self.feedback_votes.labels(value).inc()

    def send(self, result: str) -> None:
        self.sends.labels(result).inc()

    def index(self, version: str, documents: int, passages: int) -> None:
        self.index_version.clear()
        self.index_version.labels(version).set(1)
        self.index_documents.set(documents)
        self.index_passages.set(passages)

    def render(self) -> bytes:
        return generate_latest(self.registry)
