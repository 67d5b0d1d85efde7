from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from suppression.errors import ListFileError, StaleListError, UnknownListError
from suppression.listfiles import BadLine, read_list
from suppression.lists import import_list, list_statuses, select_lists
from suppression.models import AuditRecord, ListEntry, ListVersion, OppositionList
from suppression.phone import Rejection, e164_or_rejection, e164s_or_rejections
from tests.conftest import NOW, write


def entries(session: Session) -> dict[str, date | None]:
    return {e.e164: e.registered_at for e in session.scalars(select(ListEntry))}


def test_full_import_stores_e164_with_dates_and_counts(session: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path / "bloctel.txt",
        "Telephone;Date\n0612345678;01/03/2024\n0145678901;2024-03-02\n0612345678\nxyz\n",
    )
    result = import_list(session, path, list_name="bloctel", now=NOW)
    assert (result.format, result.region, result.added, result.duplicates) == (
        "national",
        "FR",
        2,
        1,
    )
    assert result.rejected == 1 and result.entries == 2
    assert entries(session) == {"+33612345678": date(2024, 3, 1), "+33145678901": date(2024, 3, 2)}


def test_full_reimport_replaces_content_and_reports_the_difference(
    session: Session, tmp_path: Path
) -> None:
    first = write(tmp_path / "v1.txt", "0612345678\n0145678901\n")
    second = write(tmp_path / "v2.txt", "0145678901\n0756345678\n0698765432\n")
    import_list(session, first, list_name="bloctel", now=NOW)
    result = import_list(session, second, list_name="bloctel", now=NOW + timedelta(days=1))
    assert (result.added, result.removed, result.unchanged, result.entries) == (2, 1, 1, 3)
    assert set(entries(session)) == {"+33145678901", "+33756345678", "+33698765432"}


def test_same_file_twice_changes_nothing_and_says_so(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "v1.txt", "0612345678\n")
    first = import_list(session, path, list_name="bloctel", now=NOW)
    again = import_list(session, path, list_name="bloctel", now=NOW + timedelta(days=3))
    assert again.already_imported and again.version_id == first.version_id
    [status] = list_statuses(session, now=NOW + timedelta(days=3))
    assert status.age_days == pytest.approx(3)
    assert len(session.scalars(select(AuditRecord)).all()) == 1


def test_delta_adds_and_removes(session: Session, tmp_path: Path) -> None:
    import_list(
        session, write(tmp_path / "full.txt", "0612345678\n0145678901\n"), list_name="l", now=NOW
    )
    delta = write(
        tmp_path / "delta.csv", "INDICATOR,NUMBER\nADD,0756345678\nDEL,0612345678\nDEL,0600000001\n"
    )
    result = import_list(session, delta, list_name="l", mode="delta", now=NOW)
    assert (result.added, result.removed, result.entries) == (1, 1, 2)
    assert set(entries(session)) == {"+33145678901", "+33756345678"}


def test_delta_needs_a_full_import_first(session: Session, tmp_path: Path) -> None:
    delta = write(tmp_path / "delta.csv", "ADD,0756345678\n")
    with pytest.raises(ListFileError, match="no full import yet"):
        import_list(session, delta, list_name="l", mode="delta", now=NOW)


def test_a_failed_import_leaves_the_previous_version_whole(engine: Engine, tmp_path: Path) -> None:
    from campaign.database import make_sessionmaker

    maker = make_sessionmaker(engine)
    with maker.begin() as session:
        import_list(
            session, write(tmp_path / "v1.txt", "0612345678\n0145678901\n"), list_name="l", now=NOW
        )
    garbage = write(tmp_path / "v2.txt", "0612345678\n" + "not a number\n" * 5)
    # The file's only good line is fine, but an unknown region makes every number unusable.
    with pytest.raises(ListFileError), maker.begin() as session:
        import_list(session, garbage, list_name="l", region="ZZ", now=NOW)
    with maker() as session:
        assert set(entries(session)) == {"+33612345678", "+33145678901"}
        [status] = list_statuses(session, now=NOW)
        assert status.entries == 2 and status.version_id == 1


@pytest.mark.parametrize(
    ("text", "fmt", "region", "expected"),
    [
        ("+33612345678\n+12015550123\n", "e164", None, {"+33612345678", "+12015550123"}),
        ("2015550123\n201,5550124\n", "us-dnc", None, {"+12015550123", "+12015550124"}),
        ("0207 3787244\r\n01635 506160\r\n", "uk-tps", None, {"+442073787244", "+441635506160"}),
        ("nom;tel\nDupont;06 12 34 56 78\n", "csv", None, {"+33612345678"}),
    ],
)
def test_each_format_lands_as_e164(
    session: Session, tmp_path: Path, text: str, fmt: str, region: str | None, expected: set[str]
) -> None:
    path = write(tmp_path / "list.txt", text)
    result = import_list(session, path, list_name="l", format=fmt, region=region, now=NOW)
    assert result.format == fmt
    assert set(entries(session)) == expected


def test_select_lists_fails_closed(session: Session, tmp_path: Path) -> None:
    with pytest.raises(UnknownListError, match="no opposition list has been imported"):
        select_lists(session, None, now=NOW)
    import_list(session, write(tmp_path / "v1.txt", "0612345678\n"), list_name="bloctel", now=NOW)
    with pytest.raises(UnknownListError, match="unknown list 'tps' \\(known lists: bloctel\\)"):
        select_lists(session, ["tps"], now=NOW)
    later = NOW + timedelta(days=31)
    with pytest.raises(
        StaleListError, match="last imported 31 days ago, more than its maximum age of 30"
    ):
        select_lists(session, None, now=later)
    assert [s.name for s in select_lists(session, None, now=later, allow_stale=True)] == ["bloctel"]


def test_max_age_is_per_list_and_remembered(session: Session, tmp_path: Path) -> None:
    import_list(
        session,
        write(tmp_path / "a.txt", "+12015550123\n"),
        list_name="us",
        max_age_days=31,
        now=NOW,
    )
    import_list(session, write(tmp_path / "b.txt", "+12015550124\n"), list_name="us", now=NOW)
    [status] = list_statuses(session, now=NOW + timedelta(days=31))
    assert status.max_age_days == 31 and status.fresh


def test_the_helper_process_imports_the_same_entries(db_url: str, tmp_path: Path) -> None:
    from campaign.database import make_engine, make_sessionmaker

    path = write(tmp_path / "l.txt", "".join(f"06{i:08d}\n" for i in range(50_000)) + "junk\n")
    results = []
    for parallel in (False, True):
        maker = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / f'{parallel}.db'}"))
        with maker.begin() as session:
            result = import_list(session, path, list_name="l", parallel=parallel, now=NOW)
            results.append((result.entries, result.rejected, sorted(entries(session))))
    assert results[0] == results[1]
    assert results[0][:2] == (50_000, 1)


def test_an_unreadable_date_keeps_the_number(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "l.txt", "0612345678;31/02/2024\n0145678901;2024-03-02\n")
    result = import_list(session, path, list_name="l", now=NOW)
    assert (result.entries, result.rejected, result.undated) == (2, 0, 1)
    assert entries(session)["+33612345678"] is None


def test_a_named_column_means_a_delimited_file(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "id;Portable;Fixe\n1;0612345678;0145678901\n")
    result = import_list(session, path, list_name="l", column="Fixe", now=NOW)
    assert result.format == "csv"
    assert set(entries(session)) == {"+33145678901"}


# Bulk normalising: a list file's numbers are decided a run at a time, with the very result
# of deciding them one at a time.

_NINE_DIGITS = st.text("0123456789", min_size=9, max_size=9)
_OVERSEAS = ["590", "690", "691", "594", "694", "596", "696", "697", "262", "263", "692", "693"]
_LIST_CELLS = st.one_of(
    st.builds("0".__add__, _NINE_DIGITS),
    _NINE_DIGITS,
    st.builds(
        lambda prefix, rest: "0" + prefix + rest,
        st.sampled_from(_OVERSEAS + ["269", "639", "508"]),
        st.text("0123456789", min_size=6, max_size=6),
    ),
    st.sampled_from(
        ["0612345678", "0508412345", "06 12 34 56 78", "+33612345678", "0033612345678", "", "abc"]
    ),
    st.text(max_size=14),
)


@settings(max_examples=400, deadline=None)
@given(raws=st.lists(_LIST_CELLS, max_size=40), region=st.sampled_from(["FR", "fr", "US", "GB"]))
def test_bulk_normalising_equals_one_number_at_a_time(raws: list[str], region: str) -> None:
    one_by_one = [e164_or_rejection(raw, region) for raw in raws]
    assert e164s_or_rejections(raws, region) == (
        [number for number in one_by_one if isinstance(number, str)],
        [(i, number) for i, number in enumerate(one_by_one) if isinstance(number, Rejection)],
    )


def test_bulk_normalising_reads_plain_french_numbers_and_leaves_the_rest_to_the_fast_path() -> None:
    raws = ["0612345678", "612345678", "0690123456", "0012345678", "06 12 34 56 78", "0812345678"]
    assert e164s_or_rejections(raws, "FR") == (
        ["+33612345678", "+33612345678", "+590690123456", "+33612345678", "+33812345678"],
        [(3, Rejection("invalid_number", "0012345678"))],
    )


_FILE_LINES = [
    "0612345678;01/03/2024",
    "0145678901;2024-03-02",
    "0756345678",
    "612345670",
    "0690123456;01/03/2024",
    "0596123456",
    "0012345678",
    "0612345678",
    "0698765432;31/02/2024",
    "06 12 34 56 79",
    "abc",
    "",
    "0612345678;1;OK",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.sampled_from(_FILE_LINES), min_size=1, max_size=30))
def test_an_import_counts_what_each_line_gives(
    session: Session, tmp_path: Path, lines: list[str]
) -> None:
    path = write(tmp_path / "l.txt", "\n".join(["Telephone;Date", *lines]) + "\n")
    expected: dict[str, set[date | None]] = {}
    rejected: dict[str, list[int]] = {}
    try:
        items = list(read_list(path, format="national"))
    except ListFileError:
        items = []
    for item in items:
        if isinstance(item, BadLine):
            if item.reason != "bad_date":
                rejected.setdefault(item.reason, []).append(item.line)
            continue
        number = e164_or_rejection(item.raw, "FR")
        if isinstance(number, Rejection):
            rejected.setdefault(number.reason, []).append(item.line)
        else:
            expected.setdefault(number, set()).add(item.registered_at)
    name = f"l{len(session.scalars(select(ListVersion)).all())}"
    if not expected:
        with pytest.raises(ListFileError):
            import_list(session, path, list_name=name, format="national", now=NOW)
        session.rollback()  # PostgreSQL refuses any further statement in a failed transaction
        return
    result = import_list(session, path, list_name=name, format="national", now=NOW)
    assert result.rejected_by_reason == {reason: len(at) for reason, at in rejected.items()}
    assert result.first_rejected_lines == {reason: at[:10] for reason, at in rejected.items()}
    assert result.entries == len(expected)
    listed = session.scalars(select(ListEntry).where(ListEntry.list_id == _list_id(session, name)))
    stored = {entry.e164: entry.registered_at for entry in listed}
    assert set(stored) == set(expected)
    assert all(stored[e164] in days for e164, days in expected.items())


def _list_id(session: Session, name: str) -> int:
    return session.scalars(select(OppositionList.id).where(OppositionList.name == name)).one()
