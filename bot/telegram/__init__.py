"""The Telegram layer: translates chat updates into calls on the core and answers back.

``app`` wires handlers; ``members`` and ``admin`` hold their logic; ``layouts`` builds
every reply from core objects with pure functions; ``web`` serves the webhook.
"""

import os

# python-telegram-bot 22 warns that time spans (retry_after, ...) become timedelta in v23;
# opt in now so the code is written for the future type (bot.telegram.broadcast handles both).
os.environ.setdefault("PTB_TIMEDELTA", "1")
