"""Split documents into passages that respect paragraphs, sentences and legal structure.

A member's answer is usually one clause of one article, so a passage never spans two
"Điều" (articles) and always carries its document title and its "Điều N" heading:
"Điều 12" must be findable and the reader must see where the passage comes from.
Within a section, sentences are packed up to ``max_words`` with some overlap so an
answer that straddles a boundary is still whole in one passage.

Example::

    >>> chunks = Chunker(max_words=50).split("d1", "Luật Thanh niên", "Điều 1. Phạm vi\\nLuật này quy định...")
    >>> chunks[0].heading
    'Điều 1. Phạm vi'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.text import split_sentences, word_count

ARTICLE = re.compile(r"^(Điều\s+(\d+[a-zđ]?))\s*[.:\-–]?\s*(.*)$", re.IGNORECASE)
HEADING_WORDS = 10
CHAPTER = re.compile(r"^(Chương|Phần|Mục)\s+([IVXLCDM]+|\d+)\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    ordinal: int
    title: str
    heading: str  # "Điều 12. Quyền của đoàn viên" or "" outside articles
    article: str  # "12" when inside "Điều 12", else ""
    text: str  # the passage as shown to members

    @property
    def index_text(self) -> str:
        """What gets embedded and searched: the passage with its title and heading."""
        head = self.title if not self.heading or self.heading in self.title else f"{self.title} - {self.heading}"
        return f"{head}\n{self.text}"

    @property
    def chunk_hash(self) -> str:
        return hashlib.sha1(self.index_text.encode()).hexdigest()[:16]


@dataclass
class _Section:
    heading: str
    article: str
    sentences: list[str]


class Chunker:
    """Packs sentences into passages of at most ``max_words`` words, per section."""

    def __init__(self, max_words: int = 180, overlap: float = 0.2) -> None:
        self.max_words = max_words
        self.overlap = overlap

    @property
    def signature(self) -> str:
        return f"structure-v2:{self.max_words}:{self.overlap}"

    def _sections(self, title: str, text: str) -> list[_Section]:
        title_article = ARTICLE.match(title.split(" - ")[-1].strip())
        current = _Section("", title_article.group(2) if title_article else "", [])
        sections = [current]
        chapter = ""
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                continue
            article = ARTICLE.match(line)
            if article and len(line) < 300:
                if not _states(article.group(3)):
                    current = _Section(line, article.group(2), [])
                    sections.append(current)
                    continue
                # "Điều 2. Quyết định này có hiệu lực sau 15 ngày ...": the line is the article's
                # first sentence, so it stays in the passage; the heading is its opening words.
                words = line.split()
                heading = " ".join(words[:HEADING_WORDS]) + ("…" if len(words) > HEADING_WORDS else "")
                current = _Section(heading, article.group(2), [])
                sections.append(current)
            if CHAPTER.match(line) and len(line) < 200:
                chapter = line
                current = _Section(chapter, "", [])
                sections.append(current)
                continue
            pieces = [p for sentence in split_sentences(line) for p in _pieces(sentence, self.max_words)]
            # The last sentence of a line carries the line break, so captions and list
            # items stay separate sentences in the passage.
            pieces[-1] += "\n"
            current.sentences.extend(pieces)
        return [s for s in sections if s.sentences]

    def split(self, doc_id: str, title: str, text: str) -> list[Chunk]:
        chunks: list[Chunk] = []
        for section in self._sections(title, text):
            for body in self._pack(section.sentences):
                chunks.append(Chunk(doc_id, len(chunks), title, section.heading, section.article, body))
        return chunks

    def _pack(self, sentences: list[str]) -> list[str]:
        passages: list[str] = []
        current: list[str] = []
        words = 0
        fresh = False  # whether `current` holds a sentence not yet emitted
        overlap_words = int(self.max_words * self.overlap)
        for sentence in sentences:
            n = word_count(sentence)
            if current and words + n > self.max_words:
                passages.append(_join(current))
                # Keep the tail sentences (up to the overlap) as the next passage's start.
                tail: list[str] = []
                tail_words = 0
                for prev in reversed(current):
                    w = word_count(prev)
                    if tail_words + w > overlap_words:
                        break
                    tail.insert(0, prev)
                    tail_words += w
                current, words = tail, tail_words
            current.append(sentence)
            words += n
            fresh = True
        if fresh:
            passages.append(_join(current))
        return passages


def _states(name: str) -> bool:
    """Whether the text after "Điều N." is a statement rather than the article's name.

    Names are short noun phrases ("Phạm vi điều chỉnh", up to about 20 words in long laws);
    old decrees often write the article's whole first sentence on that line.
    """
    n = word_count(name)
    return n >= 25 or (n >= 12 and name.rstrip().endswith((".", ":", ";")))


def _join(sentences: list[str]) -> str:
    out = ""
    for sentence in sentences:
        out += sentence if not out or out.endswith("\n") else " " + sentence
    return out.strip()


def _pieces(sentence: str, max_words: int) -> list[str]:
    """A sentence longer than a passage (a flattened table) is cut at word bounds."""
    words = sentence.split(" ")
    if len(words) <= max_words:
        return [sentence]
    return [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]
