"""Groups' settings (status, opt-out, tags) and the announcement outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chats") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="member"))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("announcements", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("tags", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("can_pin", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("migrated_to", sa.BigInteger()))
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("admin_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("file_id", sa.String(255)),
        sa.Column("file_name", sa.String(255)),
        sa.Column("tag", sa.String(64)),
        sa.Column("pin", sa.Boolean(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime()),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("started_at", sa.DateTime()),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("knowledge_file", sa.String(255)),
    )
    op.create_index("ix_announcements_status", "announcements", ["status"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("announcement_id", sa.Integer(), sa.ForeignKey("announcements.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime()),
        sa.Column("claimed_by", sa.String(40)),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("message_id", sa.BigInteger()),
        sa.Column("sent_at", sa.DateTime()),
        sa.UniqueConstraint("announcement_id", "chat_id", name="uq_delivery_announcement_chat"),
    )
    op.create_index("ix_deliveries_state", "deliveries", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_state", "deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_announcements_status", "announcements")
    op.drop_table("announcements")
    with op.batch_alter_table("chats") as batch:
        for column in ("migrated_to", "can_pin", "tags", "announcements", "active", "status"):
            batch.drop_column(column)
