"""Database-wide settings: a small key/value table (``Setting``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from suppression.models import Setting


def get_setting(session: Session, key: str) -> str | None:
    found = session.get(Setting, key)
    return None if found is None else found.value


def set_setting(session: Session, key: str, value: str | None, *, now: datetime) -> None:
    """Store ``value`` under ``key``; None removes the setting."""
    found = session.get(Setting, key)
    if value is None:
        if found is not None:
            session.delete(found)
    elif found is None:
        session.add(Setting(key=key, value=value, updated_at=now))
    else:
        found.value, found.updated_at = value, now
    session.flush()
