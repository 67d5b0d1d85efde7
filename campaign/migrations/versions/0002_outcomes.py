"""Calls and their outcomes, report settings, the database's settings.

Adds ``call_event`` (the outcome log), ``outcome_file`` (imported dialer exports), ``setting``
(the rules file in force), and the campaign's ``timezone`` and stage ``labels``.

Revision ID: 0002_outcomes
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_outcomes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "timezone", sa.String(length=64), nullable=False, server_default="Europe/Paris"
            )
        )
        batch_op.add_column(sa.Column("labels", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "outcome_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_outcome_file_campaign_id_campaign")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_file")),
        sa.UniqueConstraint("campaign_id", "sha256", name=op.f("uq_outcome_file_campaign_id")),
    )
    with op.batch_alter_table("outcome_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_file_campaign_id"), ["campaign_id"], unique=False
        )
    op.create_table(
        "call_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("outcome_file_id", sa.Integer(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.Column("violations", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_call_event_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_call_event_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["outcome_file_id"],
            ["outcome_file.id"],
            name=op.f("fk_call_event_outcome_file_id_outcome_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_event")),
        sa.UniqueConstraint(
            "campaign_id", "e164", "at", "outcome", name=op.f("uq_call_event_campaign_id")
        ),
    )
    with op.batch_alter_table("call_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_event_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_call_event_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_call_event_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_event_e164"), ["e164"], unique=False)


def downgrade() -> None:
    op.drop_table("call_event")
    op.drop_table("outcome_file")
    op.drop_table("setting")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("labels")
        batch_op.drop_column("timezone")
