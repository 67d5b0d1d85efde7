"""Alembic's environment: run by ``campaign.database`` with an open connection (no alembic.ini)."""

from __future__ import annotations

from alembic import context

import campaign.models  # noqa: F401  (registers the campaign tables on the shared metadata)
from suppression.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
