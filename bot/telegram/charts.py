"""The `/stats` chart: questions per day as a PNG (matplotlib, no screen needed)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence


def questions_per_day_png(per_day: Sequence[tuple[str, int]], days: int, title: str,
                          today: dt.date | None = None) -> bytes:
    """Bar chart over the last ``days`` days; days without questions show as zero."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    today = today or dt.datetime.now(dt.UTC).date()
    counts = dict(per_day)
    dates = [today - dt.timedelta(days=i) for i in range(days - 1, -1, -1)]
    values = [counts.get(d.isoformat(), 0) for d in dates]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=100)
    try:
        ax.bar([d.strftime("%d/%m") for d in dates], values, color="#1f6fb2")
        ax.set_title(title)
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
        ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # MaxNLocator's
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()
