"""Erased e-mail addresses kept as keyed hashes, like erased numbers.

Adds ``erased_email``: the HMAC-SHA256 of each address erased on request (stripped and
casefolded) under the database's secret, ``setting.erasure_key``. Contact imports refuse the rows
that bring one back. Addresses erased before this revision were not kept: ``campaign forget`` them
again to block them.

Revision ID: 0006_erased_email
Revises: 0005_list_entry_bytewise
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_erased_email"
down_revision = "0005_list_entry_bytewise"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_email",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_erased_email")),
    )


def downgrade() -> None:
    op.drop_table("erased_email")
