"""The Telegram layer: translates chat updates into calls on the core and answers back.

``app`` wires handlers; ``members`` and ``admin`` hold their logic; ``layouts`` builds
every reply from core objects with pure functions; ``web`` serves the webhook.
"""
