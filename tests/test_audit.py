from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from suppression.audit import GENESIS_HASH, list_records, record, verify_chain
from tests.conftest import NOW


def fill(session: Session, count: int) -> None:
    for index in range(count):
        record(
            session, "test", {"index": index, "text": "é<'\";--"}, at=NOW + timedelta(seconds=index)
        )
    session.commit()


def test_records_chain_from_the_genesis_hash(session: Session) -> None:
    fill(session, 3)
    records = list_records(session)
    assert records[0].prev_hash == GENESIS_HASH
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
    assert records[0].payload == {"index": 0, "text": "é<'\";--"}
    assert verify_chain(session).ok and verify_chain(session).records == 3


def test_an_edited_record_is_found(session: Session) -> None:
    fill(session, 4)
    session.execute(text("UPDATE audit_record SET payload = '{\"index\": 9}' WHERE id = 3"))
    check = verify_chain(session)
    assert (check.ok, check.first_bad_id, check.problem) == (False, 3, "its content was edited")


def test_a_deleted_record_is_found(session: Session) -> None:
    fill(session, 4)
    session.execute(text("DELETE FROM audit_record WHERE id = 2"))
    check = verify_chain(session)
    assert (check.first_bad_id, check.problem) == (3, "a record before it was deleted or reordered")


def test_limit_returns_the_latest_in_order(session: Session) -> None:
    fill(session, 5)
    assert [r.payload["index"] for r in list_records(session, limit=2)] == [3, 4]
    assert list_records(session, kind="other") == []


def test_a_moment_given_in_another_zone_still_verifies(session: Session) -> None:
    # An opt-out dated by the call that asked for it comes in the campaign's zone: the database
    # keeps UTC, so the hash must be of the UTC moment or the chain would look edited.
    from zoneinfo import ZoneInfo

    record(session, "test", {"index": 0}, at=NOW.astimezone(ZoneInfo("Europe/Paris")))
    session.commit()
    assert verify_chain(session).ok


def test_the_export_lets_anyone_recompute_the_chain(session: Session) -> None:
    import hashlib
    import json

    from suppression.audit import export_lines

    fill(session, 3)
    previous = GENESIS_HASH
    lines = list(export_lines(session))
    assert len(lines) == 3
    for line in lines:
        record_ = json.loads(line)
        # The documented recipe, written out without the tool's own function.
        content = json.dumps(
            {"kind": record_["kind"], "at": record_["at"], "payload": record_["payload"]},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        expected = hashlib.sha256(previous.encode() + content.encode("utf-8")).hexdigest()
        assert record_["prev_hash"] == previous and record_["hash"] == expected
        previous = record_["hash"]
