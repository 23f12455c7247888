"""Render the first reply to three questions on the sample knowledge base as a phone shows
it (PNG), and print where the pictures are.

    .venv/bin/python scripts/reply_screens.py [--out DIR] [QUESTION ...]

Needs headless Chromium (Debian package chromium-headless-shell, which scripts/setup.sh
installs when run as root). The index is built in a temporary folder; knowledge/ is only read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram.layouts import answer_html, answer_keyboard  # noqa: E402
from bot.telegram.preview import bubble_page, screenshot  # noqa: E402

QUESTIONS = ["Ban Chấp hành chi đoàn gồm mấy đồng chí?", "Đại hội diễn ra ngày nào?",
             "chi doan co bao nhieu doan vien"]


def render(engine: Engine, questions: list[str], out: Path) -> list[Path]:
    """One PNG per question: the first reply the bot sends, with its buttons."""
    paths = []
    for number, question in enumerate(questions, 1):
        answer = engine.ask(question)
        html = answer_html(answer, engine.settings.contact_text)
        keyboard = answer_keyboard(0, [r.to_dict() for r in answer.results]) if answer.results else None
        labels = [button.text for row in keyboard.inline_keyboard for button in row] if keyboard else []
        paths.append(screenshot(bubble_page(html, question, labels), out / f"reply-{number}.png"))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".cache" / "screens")
    parser.add_argument("questions", nargs="*", default=QUESTIONS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hoidoan-screens-") as work:
        settings = Settings(knowledge_dir=ROOT / "knowledge", index_dir=Path(work) / "index",  # type: ignore[call-arg]
                            data_dir=Path(work) / "data", _env_file=None)
        engine = Engine(settings)
        engine.reindex()
        for path in render(engine, args.questions, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
