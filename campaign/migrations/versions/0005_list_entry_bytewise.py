"""Opposition-list numbers compared byte by byte on PostgreSQL (``COLLATE "C"``).

A database's default collation compares text through the C library; for the millions of E.164
numbers of a list import, sorting and indexing took twice as long as bytewise, which orders
E.164 strings just as well. SQLite already compares them bytewise: nothing changes there.
PostgreSQL rebuilds the primary key of ``list_entry`` (a few seconds per million entries).

Revision ID: 0005_list_entry_bytewise
Revises: 0004_erasure
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_list_entry_bytewise"
down_revision = "0004_erasure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "list_entry",
        "e164",
        type_=sa.String(length=16, collation="C"),
        existing_type=sa.String(length=16),
        existing_nullable=False,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "list_entry",
        "e164",
        type_=sa.String(length=16),
        existing_type=sa.String(length=16, collation="C"),
        existing_nullable=False,
    )
