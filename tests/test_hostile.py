"""Hostile and broken input, generated: whatever bytes a file holds, ``screen``, ``lists import``
and ``import`` end with a result or one ``Error:`` line, never a traceback; when they succeed,
every row is accounted for. Free text (SQL metacharacters, template syntax, formulas) is stored
and read back verbatim, and written out harmless."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from campaign.cli import cli
from campaign.database import make_sessionmaker
from campaign.models import Contact

EXAMPLES = Path(__file__).parent.parent / "examples"
NUMBERS = st.sampled_from(
    [
        "06 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033612345678",
        "612345678",
        "06.12.34.56.78",
        "０６１２３４５６７８",
        "06 12 34 56 78 poste 12",
        "0690 12 34 56",
        "+1 201 555 0123",
        "12",
        "",
        "N/A",
        "=1+1",
        "9" * 40,
    ]
)
CELLS = st.one_of(
    NUMBERS,
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
    st.sampled_from(
        ["'; DROP TABLE contact; --", "{{ 7*7 }}", "<script>x</script>", '"";"', "\x00"]
    ),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
DELIMITERS = st.sampled_from([";", ",", "\t", "|"])


@st.composite
def files(draw: st.DrawFn) -> tuple[bytes, int]:
    """A table's bytes (header + rows, random encoding, delimiter, quoting, line ends), and the
    number of data rows a reader that accepts it must account for."""
    delimiter = draw(DELIMITERS)
    header = draw(
        st.sampled_from([["Nom", "Téléphone"], ["tel"], ["Name", "Phone", "Notes"], ["x", "y"]])
    )
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)), max_size=25))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    encoding = draw(ENCODINGS)
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # now and then, bytes no encoding explains, or a cut file
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=20)) + data[cut:]
    return data, len(rows)


def invoke(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args])


def no_traceback(result: Result) -> None:
    """Success, or one Error line and exit 1 (2 for a usage error): never an exception."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"crashed: {result.exception!r}\n{result.output}"
        ) from result.exception
    if result.exit_code != 0:
        assert result.exit_code in (1, 2), result.output
        assert "Error: " in result.output and "Traceback" not in result.output, result.output


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(table=files())
def test_screen_survives_any_file_and_conserves_rows(
    db_url: str, tmp_path: Path, table: tuple[bytes, int]
) -> None:
    invoke(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b")
    data, rows = table
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    result = invoke(db_url, "screen", str(path), "--json", "-o", str(tmp_path / "c.csv"))
    no_traceback(result)
    if result.exit_code == 0:
        document = json.loads(result.stdout)
        assert document["input_rows"] == (
            document["callable"] + document["blocked"] + document["rejected"]
        )


@SETTINGS
@given(table=files())
def test_list_and_contact_imports_survive_any_file(
    db_url: str, tmp_path: Path, table: tuple[bytes, int]
) -> None:
    data, _ = table
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    no_traceback(invoke(db_url, "lists", "import", str(path), "--list", "x", "--format", "csv"))
    invoke(db_url, "new", "c")
    dry = invoke(db_url, "import", "c", str(path), "--dry-run", "--json")
    no_traceback(dry)
    if dry.exit_code == 0:
        report = json.loads(dry.stdout)
        if not report["already_imported"]:  # the database outlives one generated example
            assert report["rows"] == report["accepted"] + report["invalid"]
    no_traceback(invoke(db_url, "import", "c", str(path)))


def test_free_text_is_stored_verbatim_and_rendered_harmless(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    hostile = ["'; DROP TABLE contact; --", "{{ 7*7 }}", "<script>x</script>", '=HYPERLINK("x")']
    rows = "\n".join(
        f'"{text.replace(chr(34), chr(34) * 2)}";06 12 34 56 {n:02d}'
        for n, text in enumerate(hostile)
    )
    path = tmp_path / "h.csv"
    path.write_text(f"Nom;Téléphone\n{rows}\n", encoding="utf-8")
    invoke(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b")
    assert invoke(db_url, "new", "c", "--audience", "business").exit_code == 0
    imported = invoke(db_url, "import", "c", str(path), "--json")
    assert imported.exit_code == 0, imported.output
    with make_sessionmaker(engine)() as session:
        stored = sorted(c.last_name for c in session.scalars(select(Contact)))
    assert stored == sorted(hostile)  # SQL metacharacters, template syntax: verbatim
    for n, text in enumerate(hostile):
        number = f"06 12 34 56 {n:02d}"
        logged = invoke(
            db_url, "log", "c", number, "callback", "--at", "2026-11-16 10:30", "--agent", text
        )
        assert logged.exit_code == 0, logged.output
    report = invoke(db_url, "report", "c", "--week", "2026-W47", "--format", "html", "--lang", "en")
    assert report.exit_code == 0
    assert "{{ 7*7 }}" in report.output and ">49<" not in report.output
    assert "<script>x" not in report.output and "&lt;script&gt;x&lt;/script&gt;" in report.output
    out = tmp_path / "list.csv"
    exported = invoke(db_url, "calllist", "c", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    written = out.read_text(encoding="utf-8-sig")
    assert '\'=HYPERLINK(""x"")' in written and ";=HYPERLINK" not in written


def test_file_names_are_paths_never_shell_words(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    invoke(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b")
    name = "prospects; $(touch pwned) `touch pwned2` | rm -rf x & 'q'.csv"
    path = tmp_path / name
    path.write_bytes((EXAMPLES / "prospects.csv").read_bytes())
    result = invoke(db_url, "screen", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["input_rows"] == 300
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()
    assert Path(f"{str(path)[:-4]}.blocked.csv").exists()
