"""The `/stats` chart: questions per day as a PNG, drawn with Pillow.

Only digits are drawn (day labels, counts): Pillow's built-in font has no Vietnamese
letters, so the words go in the photo's caption (``messages.STATS_CAPTION``). Pillow is
already needed to OCR scans; a plotting library would add 70 MB to the image and 40 MB
to a process that once drew a chart.

Example::

    >>> png = questions_per_day_png([("2026-11-29", 4)], days=7, today=dt.date(2026, 11, 30))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence

WIDTH, HEIGHT = 800, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
BAR = (31, 111, 178)
GRID = (220, 220, 220)
TEXT = (60, 60, 60)


def nice_step(top: int, lines: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, ...) giving at most ``lines`` grid lines up to ``top``.

    >>> [nice_step(n) for n in (0, 4, 9, 37, 480)]
    [1, 1, 2, 10, 100]
    """
    raw = max(top, 1) / lines
    power = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def questions_per_day_png(per_day: Sequence[tuple[str, int]], days: int, today: dt.date | None = None) -> bytes:
    """Bar chart over the last ``days`` days; days without questions show as zero."""
    from PIL import Image, ImageDraw, ImageFont

    today = today or dt.datetime.now(dt.UTC).date()
    counts = dict(per_day)
    dates = [today - dt.timedelta(days=i) for i in range(days - 1, -1, -1)]
    values = [counts.get(d.isoformat(), 0) for d in dates]
    step = nice_step(max(values, default=0))
    top = max(step, math.ceil(max(values, default=0) / step) * step)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12)
    plot_h = HEIGHT - TOP - BOTTOM
    for tick in range(0, top + 1, step):
        y = TOP + plot_h - round(tick / top * plot_h)
        draw.line([(LEFT, y), (WIDTH - RIGHT, y)], fill=GRID)
        draw.text((LEFT - 6, y), str(tick), fill=TEXT, font=font, anchor="rm")
    slot = (WIDTH - LEFT - RIGHT) / max(days, 1)
    label_every = max(1, math.ceil(days / 10))
    for i, (day, value) in enumerate(zip(dates, values, strict=True)):
        x0 = LEFT + i * slot + slot * 0.15
        x1 = LEFT + (i + 1) * slot - slot * 0.15
        if value:
            draw.rectangle([(x0, TOP + plot_h - value / top * plot_h), (x1, TOP + plot_h)], fill=BAR)
        if (days - 1 - i) % label_every == 0:  # today is always labelled
            draw.text(((x0 + x1) / 2, HEIGHT - BOTTOM + 8), day.strftime("%d/%m"), fill=TEXT, font=font, anchor="mt")
    draw.line([(LEFT, TOP + plot_h), (WIDTH - RIGHT, TOP + plot_h)], fill=TEXT)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
