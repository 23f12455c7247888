"""Groups are announcement targets only once approved (issue 11).

Groups the bot was already in were added by the people running it: they are approved
by this migration. New groups start "pending" until a bot admin approves them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chats") as batch:
        batch.add_column(sa.Column("approval", sa.String(12), nullable=False, server_default="approved"))


def downgrade() -> None:
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("approval")
