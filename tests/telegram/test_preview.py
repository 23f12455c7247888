"""Replies rendered as a phone shows them: three sample questions, the first reply of each, to PNG."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

from bot import messages
from bot.answers.ranking import Band
from bot.engine import Engine
from bot.search.embed import Embedder
from bot.settings import Settings
from bot.telegram.layouts import answer_html
from bot.telegram.preview import bubble_page, find_browser

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.integration]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_the_page_shows_the_answer_on_top_of_the_bubble() -> None:
    page = bubble_page("💬 <b>Trả lời:</b> gồm 03 đồng chí\n<blockquote expandable>Đoạn.</blockquote>",
                       "BCH gồm mấy đồng chí?", ["👍", "👎"])
    bubble = page[page.index('<div class="bubble">'):]
    assert bubble.index("Trả lời:") < bubble.index("<blockquote expandable>")
    assert page.index('class="question"') < page.index('class="bubble"') < page.index('class="keyboard"')


def test_three_sample_replies_render_to_png_with_the_answer_first(tmp_path: Path, model_path: Path,
                                                                  embedder: Embedder) -> None:
    if find_browser() is None:
        pytest.fail("no headless Chromium: run `bash scripts/test.sh` as root, or "
                    "`sudo apt-get install -y chromium-headless-shell fonts-noto-color-emoji`")
    spec = importlib.util.spec_from_file_location("reply_screens", ROOT / "scripts" / "reply_screens.py")
    assert spec and spec.loader
    screens = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screens)
    settings = Settings(knowledge_dir=ROOT / "knowledge", index_dir=tmp_path / "index", cache_dir=tmp_path / "cache",
                        embedding_model=str(model_path), data_dir=tmp_path / "data",
                        _env_file=None)  # type: ignore[call-arg]
    engine = Engine(settings, embedder)
    engine.reindex()
    for question in screens.QUESTIONS:
        answer = engine.ask(question)
        first, second = answer_html(answer, "BCH").split("\n")[:2]
        if answer.band is Band.CONFIDENT:  # the first reply opens with its answer and its source
            assert first.startswith("💬 <b>Trả lời:</b> ") and second.startswith("<i>📄 ")
        else:  # "not sure" says so first, then its nearest sentence, then the passages
            assert answer.band is Band.NOT_SURE and first == messages.NOT_SURE_TITLE
            assert second.startswith("💬 <i>Câu gần nhất:</i> ")
    paths = screens.render(engine, screens.QUESTIONS, tmp_path / "screens")
    assert [p.name for p in paths] == ["reply-1.png", "reply-2.png", "reply-3.png"]
    for path in paths:
        width, height = png_size(path)
        assert (width, height) == (420, 1100) and path.stat().st_size > 20_000  # a picture, not a blank page
