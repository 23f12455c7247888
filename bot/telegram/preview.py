"""What a member sees on a phone: a reply's HTML in a page styled like Telegram's chat
bubble, and a PNG of it taken with headless Chromium (Debian ``chromium-headless-shell`` or
``chromium``), so a person can look at a layout without a Telegram client.

Telegram's reply HTML (b, i, u, a, code, blockquote, ``blockquote expandable``) is valid
HTML, so it goes into the page as it is; the style sheet imitates the client: a white
bubble on the chat background, quotes with a bar on the left, an expandable quote folded
to three lines with its fade, as Telegram shows it before it is tapped.

Example::

    >>> page = bubble_page("💬 <b>Trả lời:</b> 03 đồng chí")
    >>> "<b>Trả lời:</b>" in page and page.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
WIDTH = 420  # a phone's width in CSS pixels

STYLE = """
body { margin: 0; background: #99ba92; font: 15px/1.35 "DejaVu Sans", Roboto, Arial, sans-serif; }
.chat { padding: 14px 10px; }
.question { margin: 0 0 8px auto; max-width: 80%; background: #effdde; border-radius: 12px 12px 4px 12px;
            padding: 7px 10px; width: fit-content; }
.bubble { max-width: 88%; background: #ffffff; border-radius: 12px 12px 12px 4px; padding: 8px 11px;
          white-space: pre-wrap; overflow-wrap: anywhere; box-shadow: 0 1px 1px rgba(0,0,0,.15); }
.bubble a { color: #168acd; text-decoration: none; }
.bubble code { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; color: #3a6d99; }
.bubble blockquote { margin: 4px 0; padding: 2px 8px 2px 9px; border-left: 3px solid #3a8bd6;
                     background: #e8f1fb; border-radius: 4px; }
.bubble blockquote[expandable] { max-height: 4.05em; overflow: hidden; position: relative; }
.bubble blockquote[expandable]::after { content: ""; position: absolute; left: 0; right: 0; bottom: 0;
                                        height: 1.4em; background: linear-gradient(rgba(232,241,251,0), #e8f1fb); }
.keyboard { display: flex; flex-wrap: wrap; gap: 4px; max-width: 88%; margin-top: 4px; }
.keyboard span { flex: 1 0 30%; text-align: center; background: rgba(0,0,0,.18); color: #fff;
                 border-radius: 8px; padding: 7px 4px; font-size: 14px; }
"""


def bubble_page(reply_html: str, question: str | None = None, buttons: list[str] | None = None) -> str:
    """A page showing ``reply_html`` (Telegram HTML, already escaped) as the bot's bubble,
    under the member's ``question`` (plain text) and above the inline ``buttons``' labels."""
    from html import escape

    asked = f'<div class="question">{escape(question)}</div>' if question else ""
    keys = "".join(f"<span>{escape(label)}</span>" for label in buttons or [])
    keyboard = f'<div class="keyboard">{keys}</div>' if keys else ""
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>{STYLE}</style></head>'
            f'<body><div class="chat">{asked}<div class="bubble">{reply_html}</div>{keyboard}</div></body></html>')


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(page: str, out: Path, height: int = 1100, browser: str | None = None) -> Path:
    """Write ``page`` as a PNG at ``out`` (``WIDTH`` wide, ``height`` tall); raises RuntimeError
    when no headless Chromium is installed or it fails."""
    binary = browser or find_browser()
    if binary is None:
        raise RuntimeError("no headless Chromium found (Debian package chromium-headless-shell)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hoidoan-preview-") as work:
        html = Path(work) / "reply.html"
        html.write_text(page, encoding="utf-8")
        done = subprocess.run(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={work}/profile", f"--window-size={WIDTH},{height}",
             f"--screenshot={out.resolve()}", html.as_uri()],
            capture_output=True, timeout=120, check=False)
    if done.returncode != 0 or not out.is_file():
        detail = done.stderr.decode(errors="replace")[-300:]
        raise RuntimeError(f"headless Chromium failed ({done.returncode}): {detail}")
    return out
