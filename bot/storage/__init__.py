"""What the bot remembers: the database (question log, feedback, FAQ, groups, announcements
and their outbox, shared files and index versions), its migrations, backups, and the
copying of knowledge files and index versions between replicas.

Modules: ``store`` (SQLAlchemy models and queries), ``outbox`` (announcement delivery rows),
``replication``, ``backup``; migrations in ``migrations/`` (Alembic).
"""
