from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from suppression.audit import list_records
from suppression.errors import ColumnNotFoundError, StaleListError
from suppression.lists import import_list
from suppression.optouts import add_optouts
from suppression.screening import screen_file
from tests.conftest import NOW, write

PROSPECTS = (
    "Nom;Prénom;Téléphone\n"
    "Dupont;Jean;06 12 34 56 78\n"  # on the list
    "Martin;Léa;+33 (0)7 56 34 56 78\n"  # opted out
    "Petit;Zoé;612345670\n"  # callable, Excel ate the zero
    "Roux;Inès;N/A\n"  # rejected
    'Blanc;Éric;=HYPERLINK("x")\n'  # rejected, and neutralised on output
)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


@pytest.fixture
def ready(session: Session, tmp_path: Path) -> Path:
    import_list(
        session,
        write(tmp_path / "bloctel.txt", "0612345678;01/03/2024\n0145678901\n"),
        list_name="bloctel",
        now=NOW,
    )
    add_optouts(session, ["07 56 34 56 78"], reason="asked", source="call", now=NOW)
    return write(tmp_path / "prospects.csv", PROSPECTS, "cp1252")


def test_every_row_lands_in_exactly_one_output(session: Session, ready: Path) -> None:
    result = screen_file(session, ready, now=NOW)
    assert (result.input_rows, result.callable, result.blocked, result.rejected) == (5, 1, 2, 2)
    assert result.conserved
    callable_rows = read_rows(Path(result.outputs["callable"].path))
    assert callable_rows[0] == ["Nom", "Prénom", "Téléphone", "e164", "status", "reason"]
    assert callable_rows[1] == ["Petit", "Zoé", "612345670", "'+33612345670", "callable", ""]
    blocked = {row[0]: row[5] for row in read_rows(Path(result.outputs["blocked"].path))[1:]}
    assert blocked["Dupont"] == "list bloctel (entry added by version 1, registered 2024-03-01)"
    assert blocked["Martin"].startswith("optout (since 2026-11-23, source call)")
    rejected = {
        row[0]: (row[2], row[5]) for row in read_rows(Path(result.outputs["rejected"].path))[1:]
    }
    assert rejected == {
        "Roux": ("N/A", "not_a_number"),
        "Blanc": ('\'=HYPERLINK("x")', "not_a_number"),
    }


def test_outputs_default_next_to_the_input_and_can_be_named(
    session: Session, ready: Path, tmp_path: Path
) -> None:
    result = screen_file(session, ready, now=NOW, output=tmp_path / "today.csv")
    assert result.outputs["callable"].path == str(tmp_path / "today.csv")
    assert result.outputs["blocked"].path == str(tmp_path / "prospects.blocked.csv")
    assert result.outputs["rejected"].path == str(tmp_path / "prospects.rejected.csv")


def test_the_run_is_recorded_with_hashes_and_list_versions(session: Session, ready: Path) -> None:
    result = screen_file(session, ready, now=NOW)
    [record] = list_records(session, kind="screening")
    assert record.id == result.run_id
    assert record.payload["input_sha256"] == result.input_sha256
    assert record.payload["counts"] == {"callable": 1, "blocked": 2, "rejected": 2}
    assert record.payload["outputs"]["blocked"]["sha256"] == result.outputs["blocked"].sha256
    assert [(s["name"], s["version_id"]) for s in record.payload["lists"]] == [("bloctel", 1)]
    assert record.payload["flags"]["allow_stale"] is False


def test_stale_list_refuses_unless_allowed_and_recorded(session: Session, ready: Path) -> None:
    later = NOW + timedelta(days=40)
    with pytest.raises(StaleListError):
        screen_file(session, ready, now=later)
    result = screen_file(session, ready, now=later, allow_stale=True)
    assert result.allow_stale
    assert list_records(session, kind="screening")[-1].payload["flags"]["allow_stale"] is True


def test_only_the_named_lists_are_used(session: Session, ready: Path, tmp_path: Path) -> None:
    import_list(session, write(tmp_path / "other.txt", "0612345670\n"), list_name="other", now=NOW)
    only_other = screen_file(session, ready, lists=["other"], now=NOW)
    # The opt-outs always apply; bloctel is not consulted.
    assert (only_other.callable, only_other.blocked) == (1, 2)
    assert only_other.blocked_by_list == {"optout": 1, "other": 1}


def test_no_number_column_names_the_headers_found(
    session: Session, ready: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "x.csv", "Nom;Ville\nDupont;Lyon\n")
    with pytest.raises(ColumnNotFoundError, match="Nom"):
        screen_file(session, path, now=NOW)


def test_conservation_on_the_shipped_example(session: Session, tmp_path: Path) -> None:
    examples = Path(__file__).parent.parent / "examples"
    import_list(session, examples / "opposition.txt", list_name="bloctel", now=NOW)
    out = tmp_path
    result = screen_file(
        session,
        examples / "prospects.csv",
        now=NOW,
        output=out / "c.csv",
        blocked=out / "b.csv",
        rejected=out / "r.csv",
    )
    assert result.input_rows == 300 and result.conserved
    assert result.blocked > 0 and result.rejected > 0 and result.callable > 0
    written = sum(len(read_rows(out / name)) - 1 for name in ("c.csv", "b.csv", "r.csv"))
    assert written == 300


def test_ragged_rows_keep_their_extra_cells_after_the_added_columns(
    session: Session, ready: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "ragged.csv", "Nom;Téléphone\nPetit;0612345670;note;x\nSeul\n")
    result = screen_file(session, path, now=NOW)
    assert result.conserved and (result.callable, result.rejected) == (1, 1)
    [_, row] = read_rows(Path(result.outputs["callable"].path))
    assert row == ["Petit", "0612345670", "'+33612345670", "callable", "", "note", "x"]
    [_, short] = read_rows(Path(result.outputs["rejected"].path))
    assert short == ["Seul", "", "", "rejected", "empty"]


def test_the_helper_process_gives_the_same_outputs(session: Session, tmp_path: Path) -> None:
    examples = Path(__file__).parent.parent / "examples"
    import_list(session, examples / "opposition.txt", list_name="bloctel", now=NOW)
    hashes = []
    for parallel in (False, True):
        out = tmp_path / str(parallel)
        out.mkdir()
        result = screen_file(
            session,
            examples / "prospects.csv",
            now=NOW,
            parallel=parallel,
            output=out / "c.csv",
            blocked=out / "b.csv",
            rejected=out / "r.csv",
        )
        hashes.append({kind: output.sha256 for kind, output in result.outputs.items()})
    assert hashes[0] == hashes[1]


def test_an_xlsx_file_is_screened_with_numbers_kept_as_text(
    session: Session, ready: Path, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Nom", "Portable"])
    sheet.append(["Dupont", 612345678])  # Excel ate the zero and stored a number
    sheet.append(["Petit", "06 12 34 56 70"])
    workbook.save(tmp_path / "salon.xlsx")
    result = screen_file(session, tmp_path / "salon.xlsx", now=NOW)
    assert (result.blocked, result.callable, result.column) == (1, 1, "Portable")
    [_, row] = read_rows(Path(result.outputs["blocked"].path))
    assert row[:3] == ["Dupont", "612345678", "'+33612345678"]


def test_the_helper_looks_numbers_up_only_in_committed_list_versions(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign.database import make_sessionmaker
    from suppression import screening

    examples = Path(__file__).parent.parent / "examples"
    maker = make_sessionmaker(engine)
    with maker.begin() as session:
        import_list(session, examples / "opposition.txt", list_name="bloctel", now=NOW)
    seen: list[bool] = []
    real = screening._ChunkScreen.__call__

    def spy(
        self: screening._ChunkScreen, chunk: list[list[str]], numbers: object, listed: object = None
    ) -> None:
        seen.append(listed is not None)
        real(self, chunk, numbers, listed)  # type: ignore[arg-type]

    monkeypatch.setattr(screening._ChunkScreen, "__call__", spy)
    hashes = []
    for parallel in (False, True):
        with maker.begin() as session:
            out = tmp_path / str(parallel)
            out.mkdir()
            result = screen_file(
                session,
                examples / "prospects.csv",
                now=NOW,
                parallel=parallel,
                output=out / "c.csv",
                blocked=out / "b.csv",
                rejected=out / "r.csv",
            )
            hashes.append({kind: output.sha256 for kind, output in result.outputs.items()})
    assert hashes[0] == hashes[1]
    # Inline: this process looked up; with the helper, the helper did, through a connection of
    # its own (to the SQLite file, or to the PostgreSQL server).
    assert seen == [False, True]
    # A list version the helper cannot see (not committed yet) makes this process look up itself.
    seen.clear()
    with maker() as session:
        import_list(
            session, write(tmp_path / "new.txt", "0612345678\n"), list_name="bloctel", now=NOW
        )
        screen_file(
            session,
            examples / "prospects.csv",
            now=NOW,
            parallel=True,
            output=tmp_path / "c.csv",
            blocked=tmp_path / "b.csv",
            rejected=tmp_path / "r.csv",
        )
        session.rollback()
    assert seen == [False]
