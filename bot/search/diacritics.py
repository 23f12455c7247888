"""Put the diacritics back on questions typed without them ("ket nap doan" -> "kết nạp đoàn").

The dense model barely understands unaccented Vietnamese, so we restore the most likely
accented syllables before embedding the question. The model is a syllable bigram model
trained on the indexed documents themselves (their vocabulary is what members ask
about), interpolated with two general resources shipped in PyPI packages (offline): a
Vietnamese syllable frequency table (`wordfreq`) and the 74,000-word Viet74K dictionary
(`underthesea`, Apache-2.0), whose multi-syllable words give general bigrams
("bao nhiêu", "tiền lương") that a small union corpus lacks.
Decoding is Viterbi over the candidate accented forms of each syllable.

Example::

    >>> r = DiacriticRestorer()
    >>> r.fit(["Thủ tục kết nạp đoàn viên mới", "Đoàn viên phải đủ 16 tuổi"])
    >>> r.restore("ket nap doan vien")
    'kết nạp đoàn viên'
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from bot.text import WORD, fold, has_diacritics, normalize

BOS = "<s>"
EOS = "</s>"  # end of a question: "ở đâu" ends one, "ở đầu" (at the head of) rarely does
NUM = "<num>"  # any number: "năm 2025", "điều 5", "30 tuổi" keep their neighbours' accents
MAX_CANDIDATES = 10


@lru_cache(maxsize=1)
def general_frequencies() -> dict[str, float]:
    """Vietnamese syllable frequencies from `wordfreq` (empty if it is not installed)."""
    try:
        import wordfreq
    except ImportError:  # pragma: no cover - it is a declared dependency
        return {}
    table: dict[str, float] = {}
    for word, freq in wordfreq.get_frequency_dict("vi", "best").items():
        if word.isalpha() and " " not in word:
            key = normalize(word).lower()
            table[key] = table.get(key, 0.0) + freq
    return table


@lru_cache(maxsize=1)
def general_bigrams() -> dict[str, frozenset[str]]:
    """Successor syllables of each syllable in the Viet74K dictionary's compound words."""
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution("underthesea")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - declared dependency
        return {}
    path = Path(str(dist.locate_file("underthesea/corpus/data/Viet74K.txt")))
    if not path.is_file():
        return {}
    successors: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = normalize(line).lower().split()
        if len(parts) < 2 or not all(p.isalpha() for p in parts):
            continue
        for prev, word in pairwise(parts):
            successors.setdefault(prev, set()).add(word)
    return {k: frozenset(v) for k, v in successors.items()}


QUESTION_PHRASES = Path(__file__).resolve().parents[1] / "data" / "question_phrases.txt"
QUESTION_WEIGHT = 0.3
# A question word's own prior, added to its weighted general frequency (0.1 x 0.00025 for
# "mấy", 0.1 x 0.001 for "máy"): documents never ask, so without it "là may năm" read "là máy
# năm" and "truc thuoc dau" "trực thuộc đầu" (0.001-0.01 restore the dev set alike;
# bench/bench_answers.py prints it).
QUESTION_WORD_PRIOR = 0.002
END_FLOOR = 0.1  # the end step's score for a word no question frame ends on


@lru_cache(maxsize=1)
def question_bigrams() -> dict[str, frozenset[str]]:
    """Successor syllables in how members ask ("tháng" -> "mấy"), from bot/data/question_phrases.txt.

    The documents are prose and the dictionary is general: neither says that "thang may"
    in a question is "tháng mấy" (which month), not "thang máy" (a lift).
    """
    successors: dict[str, set[str]] = {}
    for line in QUESTION_PHRASES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words = [BOS, *WORD.findall(normalize(line).lower())]
        if line.rstrip().endswith("?"):  # a frame that ends a question
            words.append(EOS)
        for prev, word in pairwise(words):
            successors.setdefault(prev, set()).add(word)
    return {k: frozenset(v) for k, v in successors.items()}


@lru_cache(maxsize=1)
def question_words() -> frozenset[str]:
    """The words question frames end on ("mấy", "gì", "đâu", "nào", ...): a document rarely has
    them, so only a prior of their own keeps "ở đâu" from reading "ở đầu" (at the head)."""
    return frozenset(word for word, following in question_bigrams().items() if EOS in following)


class DiacriticRestorer:
    """Syllable bigram model with a general unigram back-off; see the module docstring."""

    def __init__(self, weights: tuple[float, float, float, float] = (0.5, 0.2, 0.2, 0.1)) -> None:
        self.bigram_weight, self.dictionary_weight, self.unigram_weight, self.general_weight = weights
        self.unigrams: Counter[str] = Counter()
        self.bigrams: Counter[str] = Counter()
        self._candidates: dict[str, list[str]] | None = None

    # --- training ------------------------------------------------------------------
    def fit(self, texts: Iterable[str]) -> None:
        for text in texts:
            for line in normalize(text).lower().split("\n"):
                prev = BOS
                for token in WORD.findall(line):
                    if token.isdigit():
                        token = NUM
                    self.unigrams[token] += 1
                    self.bigrams[f"{prev} {token}"] += 1
                    prev = token
        self._candidates = None

    def to_json(self, path: Path) -> None:
        data = {"unigrams": self.unigrams, "bigrams": self.bigrams}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def from_json(cls, path: Path) -> DiacriticRestorer:
        data = json.loads(path.read_text(encoding="utf-8"))
        restorer = cls()
        restorer.unigrams = Counter(data["unigrams"])
        restorer.bigrams = Counter(data["bigrams"])
        return restorer

    # --- decoding ------------------------------------------------------------------
    def _candidate_table(self) -> dict[str, list[str]]:
        if self._candidates is None:
            general = general_frequencies()
            total = sum(self.unigrams.values()) or 1
            scores: dict[str, float] = {}
            for word, count in self.unigrams.items():
                scores[word] = count / total
            for word, freq in general.items():
                scores[word] = scores.get(word, 0.0) + freq
            by_folded: dict[str, list[str]] = {}
            for word in sorted(scores, key=scores.__getitem__, reverse=True):
                options = by_folded.setdefault(fold(word), [])
                if len(options) < MAX_CANDIDATES:
                    options.append(word)
            self._candidates = by_folded
        return self._candidates

    def restore(self, text: str) -> str:
        """Restore diacritics when the text has none; text with any diacritic is kept."""
        if has_diacritics(text):
            return text
        table = self._candidate_table()
        total = sum(self.unigrams.values()) or 1
        matches = list(WORD.finditer(text))
        if not matches:
            return text
        general, dictionary, asking = general_frequencies(), general_bigrams(), question_bigrams()
        asking_words = question_words()
        # Viterbi over candidates; a syllable with no candidate is kept as typed. The score
        # of a step is log(bigram + dictionary bigram + unigram + general frequency), each
        # weighted; the parts that depend on one word only are computed once per step.
        beams: dict[str, tuple[float, list[str]]] = {BOS: (0.0, [])}
        for match in matches:
            token = match.group(0)
            options = [NUM] if token.isdigit() else table.get(token.lower())
            if not options:
                best = max(beams.values(), key=lambda b: b[0])
                beams = {BOS: (best[0], [*best[1], token])}
                continue
            previous = [(prev, score, path, self.unigrams.get(prev, 0) if prev != BOS else 0, dictionary.get(prev),
                         asking.get(prev)) for prev, (score, path) in beams.items()]
            new_beams: dict[str, tuple[float, list[str]]] = {}
            for option in options:
                p_uni = self.unigram_weight * (self.unigrams.get(option, 0) / total)
                p_gen = self.general_weight * general.get(option, 0.0)
                if option in asking_words:
                    p_gen += QUESTION_WORD_PRIOR
                best_score, best_path = -math.inf, previous[0][2]
                for prev, score, path, prev_count, following, asked in previous:
                    p_bi = self.bigrams.get(f"{prev} {option}", 0) / prev_count if prev_count else 0.0
                    p_dict = 1.0 / len(following) if following and option in following else 0.0
                    p_ask = QUESTION_WEIGHT / len(asked) if asked and option in asked else 0.0
                    step = math.log(self.bigram_weight * p_bi + self.dictionary_weight * p_dict + p_ask
                                    + p_uni + p_gen + 1e-9)
                    if score + step > best_score:  # the first of equal scores wins, as with max()
                        best_score, best_path = score + step, path
                new_beams[option] = (best_score, [*best_path, option])
            beams = new_beams
        # The question's end is one more step: "lấy từ đâu?" ends on a question word.
        final = {word: score + math.log(QUESTION_WEIGHT * (EOS in asking.get(word, ())) + END_FLOOR)
                 for word, (score, _path) in beams.items()}
        best_path = beams[max(final, key=final.__getitem__)][1]
        out, last = [], 0
        for match, word in zip(matches, best_path, strict=True):
            out.append(text[last : match.start()])
            out.append(match.group(0) if word == NUM else _match_case(match.group(0), word))
            last = match.end()
        out.append(text[last:])
        return "".join(out)


def _match_case(typed: str, word: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
