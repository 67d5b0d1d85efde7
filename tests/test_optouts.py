from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from suppression.errors import InvalidArgumentError
from suppression.optouts import (
    add_optouts,
    find_optouts,
    import_optouts,
    optout_history,
    remove_optouts,
)
from tests.conftest import NOW, write


def test_add_normalises_and_reports_invalid_and_repeated(session: Session) -> None:
    change = add_optouts(
        session, ["06 12 34 56 78", "+33612345678", "N/A"], reason="asked", now=NOW
    )
    assert change.changed == ["+33612345678"]
    assert change.unchanged == ["+33612345678"]
    assert change.invalid == [("N/A", "not_a_number")]
    assert set(find_optouts(session, ["+33612345678", "+33145678901"])) == {"+33612345678"}


def test_remove_keeps_the_history(session: Session) -> None:
    add_optouts(session, ["0612345678"], reason="asked", source="sms", now=NOW)
    remove_optouts(session, ["0612345678"], reason="typo by the agent", now=NOW + timedelta(days=1))
    assert find_optouts(session, ["+33612345678"]) == {}
    history = optout_history(session, "+33612345678")
    assert [(e.action, e.reason, e.source) for e in history] == [
        ("add", "asked", "sms"),
        ("remove", "typo by the agent", "sms"),
    ]


def test_remove_needs_a_reason_and_add_a_known_source(session: Session) -> None:
    with pytest.raises(InvalidArgumentError, match="needs a reason"):
        remove_optouts(session, ["0612345678"], reason="  ", now=NOW)
    with pytest.raises(InvalidArgumentError, match="unknown opt-out source 'fax'"):
        add_optouts(session, ["0612345678"], reason="x", source="fax", now=NOW)


def test_import_reads_any_list_format(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "optouts.txt", "0612345678\n0145678901\n")
    change = import_optouts(session, path, reason="old CRM", now=NOW)
    assert sorted(change.changed) == ["+33145678901", "+33612345678"]
    assert len(find_optouts(session, change.changed)) == 2
