"""Alembic environment: runs on the connection that :meth:`bot.storage.store.Store.migrate` passes.

For hand use: ``alembic -x url=sqlite:///data/hoidoan.db upgrade head`` from ``bot/storage/migrations``'s
parent with an alembic.ini, or simply ``hoidoan db upgrade``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.storage.store import Base

target_metadata = Base.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


run()
