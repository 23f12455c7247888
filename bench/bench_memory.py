"""Peak memory (RSS) of a fresh process that loads the model and the alqac2022 index
and answers questions (with each embedding runtime), and of one that embeds passages
in batches.

    .venv/bin/python bench/bench_memory.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

from _common import EVAL, ROOT, need_eval, table

BUILD = """
import resource, sys; sys.path.insert(0, {bench!r})
from pathlib import Path
from _common import embedder, EVAL
from bot.documents.chunk import Chunker
from bot.search.embed import EmbeddingCache
from bot.search.evaluate import load_corpus
from bot.search.index import IndexBuilder
from bot.settings import Settings
s = Settings(_env_file=None)
emb = embedder()
cache = EmbeddingCache(Path({cache!r}), emb.dimension)  # empty: every passage is embedded
IndexBuilder(Path({out!r}), emb, Chunker(s.chunk_words, s.chunk_overlap), cache, batch_size=s.embed_batch_size).build(
    load_corpus(EVAL / 'alqac2022' / 'corpus.jsonl'))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

QUERY = """
import resource, sys; sys.path.insert(0, {bench!r})
from _common import model_name, EVAL
from pathlib import Path
from bot.answers.answer import Answerer
from bot.search.embed import Embedder
from bot.search.evaluate import load_questions
from bot.search.index import KnowledgeIndex
from bot.search.retrieve import Retriever
index = KnowledgeIndex.load_current(Path({out!r}))
answerer = Answerer(Retriever(index, Embedder(model_name(), runtime={runtime!r})), 0.5)
for q in load_questions(EVAL / 'alqac2022' / 'questions.jsonl', {strip})[:100]:
    answerer.ask(q.question)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

EMBED = """
import resource, sys, json; sys.path.insert(0, {bench!r})
from _common import embedder, EVAL
emb = embedder()
texts = [json.loads(l)['text'] for l in open(EVAL / 'alqac2022' / 'corpus.jsonl', encoding='utf-8')][:128]
emb.encode_passages(texts, batch_size={batch})
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def run(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    need_eval()
    bench = str(ROOT / "bench")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache:
        peak = run(BUILD.format(bench=bench, out=tmp, cache=f"{cache}/embeddings.sqlite"))
        rows.append(["onnx: index alqac2022 from scratch (2,285 passages embedded)", f"{peak:.0f}"])
        for runtime in ("onnx", "torch"):
            for strip in (False, True):
                rows.append([f"{runtime}: load model + alqac2022 index, 100 questions "
                             f"({'stripped' if strip else 'as given'})",
                             f"{run(QUERY.format(bench=bench, out=tmp, strip=strip, runtime=runtime)):.0f}"])
    for batch in (8, 16, 32):
        peak = run(EMBED.format(bench=bench, batch=batch))
        rows.append([f"onnx: embed 128 alqac2022 articles, batch {batch}", f"{peak:.0f}"])
    print(table(["process", "peak RSS MB"], rows))
    print(f"\n(eval data: {EVAL})")


if __name__ == "__main__":
    main()
