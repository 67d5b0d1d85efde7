"""The first released schema: lists, opt-outs, audit, consents, campaigns, contacts, merges.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _current_version_fk(sqlite: bool) -> list[Any]:
    # SQLite cannot add a foreign key later; it accepts one to a table that does not exist yet.
    if not sqlite:
        return []
    return [
        sa.ForeignKeyConstraint(
            ["current_version_id"],
            ["list_version.id"],
            name=op.f("fk_opposition_list_current_version_id_list_version"),
        )
    ]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "audit_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_record")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_record_hash")),
    )
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_record_kind"), ["kind"], unique=False)

    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction", sa.String(length=4), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("caller_id", sa.String(length=16), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("starts", sa.Date(), nullable=True),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
        sa.UniqueConstraint("name", name=op.f("uq_campaign_name")),
    )
    op.create_table(
        "consent_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=True),
        sa.Column("wording_version", sa.Text(), nullable=True),
        sa.Column("proof_sha256", sa.String(length=64), nullable=True),
        sa.Column("proof_name", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_event")),
    )
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_event_e164"), ["e164"], unique=False)

    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_e164"), ["e164"], unique=False)

    op.create_table(
        "opposition_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("max_age_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        *_current_version_fk(sqlite),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opposition_list")),
        sa.UniqueConstraint("name", name=op.f("uq_opposition_list_name")),
    )
    op.create_table(
        "opt_out",
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("e164", name=op.f("pk_opt_out")),
    )
    op.create_table(
        "opt_out_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opt_out_event")),
    )
    with op.batch_alter_table("opt_out_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opt_out_event_e164"), ["e164"], unique=False)

    op.create_table(
        "relationship",
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("last_purchase", sa.Date(), nullable=True),
        sa.Column("last_inquiry", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("e164", name=op.f("pk_relationship")),
    )
    op.create_table(
        "list_entry",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("registered_at", sa.Date(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["opposition_list.id"], name=op.f("fk_list_entry_list_id_opposition_list")
        ),
        sa.PrimaryKeyConstraint("list_id", "e164", name=op.f("pk_list_entry")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "list_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("rejected_detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["opposition_list.id"],
            name=op.f("fk_list_version_list_id_opposition_list"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_version")),
    )
    with op.batch_alter_table("list_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_version_list_id"), ["list_id"], unique=False)
    if not sqlite:  # the two tables point at each other: the second link comes after
        op.create_foreign_key(
            op.f("fk_opposition_list_current_version_id_list_version"),
            "opposition_list",
            "list_version",
            ["current_version_id"],
            ["id"],
        )

    op.create_table(
        "source_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_source_file_campaign_id_campaign")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_file")),
        sa.UniqueConstraint("campaign_id", "sha256", name=op.f("uq_source_file_campaign_id")),
    )
    with op.batch_alter_table("source_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_file_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("company", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=False),
        sa.Column("city", sa.Text(), nullable=False),
        sa.Column("siren", sa.String(length=14), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_contact_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["contact.id"], name=op.f("fk_contact_merged_into_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_file.id"],
            name=op.f("fk_contact_source_file_id_source_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contact_merged_into_id"), ["merged_into_id"], unique=False
        )

    op.create_table(
        "contact_number",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=True),
        sa.Column("line_type", sa.String(length=24), nullable=True),
        sa.Column("rejection", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_contact_number_contact_id_contact")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_number")),
    )
    with op.batch_alter_table("contact_number", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_number_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_number_e164"), ["e164"], unique=False)

    op.create_table(
        "merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_merge_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["contact.id"], name=op.f("fk_merge_survivor_id_contact")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge")),
    )
    with op.batch_alter_table("merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_campaign_id"), ["campaign_id"], unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("fk_opposition_list_current_version_id_list_version"),
            "opposition_list",
            type_="foreignkey",
        )
    op.drop_table("merge")
    op.drop_table("contact_number")
    op.drop_table("contact")
    op.drop_table("source_file")
    op.drop_table("list_version")
    op.drop_table("list_entry")
    op.drop_table("relationship")
    op.drop_table("opt_out_event")
    op.drop_table("opt_out")
    op.drop_table("opposition_list")
    op.drop_table("contract")
    op.drop_table("consent_event")
    op.drop_table("campaign")
    op.drop_table("audit_record")
