"""Specification of suppression.listfiles: list files in, raw numbers and bad lines out."""

from __future__ import annotations

import dataclasses
import gc
import warnings
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suppression import listfiles
from suppression.errors import (
    ColumnNotFoundError,
    InputFileError,
    InvalidArgumentError,
    ListFileError,
    SuppressionError,
)
from suppression.listfiles import (
    BAD_LINE_REASONS,
    DEFAULT_REGION,
    FORMATS,
    BadLine,
    LineRun,
    ListLine,
    detect_format,
    read_list,
    read_list_runs,
)

Row = tuple[int, str, date | None] | tuple[int, str, date | None, str]
Bad = tuple[int, str]


def write(tmp_path: Path, content: str | bytes, name: str = "list.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def split(items: list[ListLine | BadLine]) -> tuple[list[Row], list[Bad]]:
    rows: list[Row] = []
    bads: list[Bad] = []
    for item in items:
        if isinstance(item, ListLine):
            if item.action == "add":
                rows.append((item.line, item.raw, item.registered_at))
            else:
                rows.append((item.line, item.raw, item.registered_at, item.action))
        else:
            assert item.reason in BAD_LINE_REASONS
            bads.append((item.line, item.reason))
    return rows, bads


def parse(
    tmp_path: Path, content: str | bytes, fmt: str = "auto", **kwargs: str
) -> tuple[list[Row], list[Bad]]:
    return split(list(read_list(write(tmp_path, content), format=fmt, **kwargs)))


D = date(2024, 3, 1)


def test_public_constants() -> None:
    assert FORMATS == ("auto", "national", "e164", "csv", "us-dnc", "uk-tps")
    assert DEFAULT_REGION == {
        "national": "FR",
        "e164": "FR",
        "csv": "FR",
        "us-dnc": "US",
        "uk-tps": "GB",
    }


def test_listline_is_a_frozen_value() -> None:
    a = ListLine(3, "0612345678", None)
    b = ListLine(line=3, raw="0612345678", registered_at=None, action="add")
    assert a == b and hash(a) == hash(b)
    assert repr(a) == "ListLine(line=3, raw='0612345678', registered_at=None, action='add')"
    assert dataclasses.replace(a, action="remove").action == "remove"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.raw = "x"  # type: ignore[misc]
    assert not hasattr(a, "__dict__")


@pytest.mark.parametrize(
    ("fmt", "content"),
    [
        ("national", "0612345678\n0612345678;2024-03-01\n0612345678;2024-03-01\n"),
        ("us-dnc", "2015550123\n"),
        ("e164", "+33612345678\n"),
        ("uk-tps", "0207 3787244\n"),
        ("csv", "tel\n0612345678\n"),
    ],
)
def test_lines_built_by_the_fast_paths_are_real_listlines(
    tmp_path: Path, fmt: str, content: str
) -> None:
    for item in read_list(write(tmp_path, content), format=fmt):
        assert type(item) is ListLine
        assert item == ListLine(item.line, item.raw, item.registered_at)
        assert hash(item) == hash(ListLine(item.line, item.raw, item.registered_at))
        with pytest.raises(dataclasses.FrozenInstanceError):
            item.raw = "x"  # type: ignore[misc]
        assert dataclasses.asdict(item)["action"] == "add"


def test_date_cache_does_not_change_results(tmp_path: Path) -> None:
    content = "0612345678;2024-03-01\n" * 3 + "2015550123;2024-03-01\n"
    assert parse(tmp_path, content, "national") == (
        [(1, "0612345678", D), (2, "0612345678", D), (3, "0612345678", D), (4, "2015550123", D)],
        [],
    )
    # Another format must not take the national "number;date" shortcut.
    assert parse(tmp_path, "2015550123\n" + content, "us-dnc")[1] == [
        (2, "unparseable_line"),
        (3, "unparseable_line"),
        (4, "unparseable_line"),
        (5, "unparseable_line"),
    ]


# ---------------------------------------------------------------------------------------------
# national

NATIONAL: list[tuple[str, str, list[Row], list[Bad]]] = [
    (
        "plain LF",
        "0612345678\n0712345678\n",
        [(1, "0612345678", None), (2, "0712345678", None)],
        [],
    ),
    (
        "plain CRLF",
        "0612345678\r\n0712345678\r\n",
        [(1, "0612345678", None), (2, "0712345678", None)],
        [],
    ),
    (
        "no final newline",
        "0612345678\n0712345678",
        [(1, "0612345678", None), (2, "0712345678", None)],
        [],
    ),
    (
        "header Telephone;Identifiant",
        "Telephone;Identifiant\r\n0612345678\r\n",
        [(2, "0612345678", None)],
        [],
    ),
    ("header numero", "numero\n0612345678\n", [(2, "0612345678", None)], []),
    (
        "blank lines and spaces",
        "\n  0612345678  \n\n\t0712345678\r\n\n",
        [(2, "0612345678", None), (4, "0712345678", None)],
        [],
    ),
    ("ISO date", "0612345678;2024-03-01\n", [(1, "0612345678", D)], []),
    ("ISO datetime", "0612345678;2024-03-01T10:00:00\r\n", [(1, "0612345678", D)], []),
    ("ISO datetime space Z", "0612345678;2024-03-01 10:00:00Z\n", [(1, "0612345678", D)], []),
    ("dd/mm/yyyy", "Telephone;Date\n0612345678;01/03/2024\n", [(2, "0612345678", D)], []),
    ("dd/mm/yyyy time", "0612345678;01/03/2024 10:00\n", [(1, "0612345678", D)], []),
    ("d/m/yyyy", "0612345678;1/3/2024\n", [(1, "0612345678", D)], []),
    ("dd.mm.yyyy", "0612345678;01.03.2024\n", [(1, "0612345678", D)], []),
    ("empty date column", "0612345678;\n", [(1, "0612345678", None)], []),
    ("spaces around columns", " 0612345678 ; 2024-03-01 \n", [(1, "0612345678", D)], []),
    # The number of a line with an unreadable date is kept, then reported.
    (
        "bad date kept",
        "0612345678;31/02/2024\n0712345678;2024-13-01\n0812345678;hier\n",
        [(1, "0612345678", None), (2, "0712345678", None), (3, "0812345678", None)],
        [(1, "bad_date"), (2, "bad_date"), (3, "bad_date")],
    ),
    (
        "Excel dropped the zero",
        "612345678\n0712345678\n",
        [(1, "612345678", None), (2, "0712345678", None)],
        [],
    ),
    (
        "first line with a T date is data",
        "0612345678;2024-03-01T10:00\n",
        [(1, "0612345678", D)],
        [],
    ),
    (
        "garbage lines keep their numbers",
        "0612345678\nabc\n06123\n+33612345678\n06 12 34 56 78\n0712345678\n",
        [(1, "0612345678", None), (6, "0712345678", None)],
        [
            (2, "unparseable_line"),
            (3, "unparseable_line"),
            (4, "unparseable_line"),
            (5, "unparseable_line"),
        ],
    ),
    (
        "Bloctel response shape is not read",
        "0612345678\n0712345678;1;OK\n",
        [(1, "0612345678", None)],
        [(2, "extra_columns")],
    ),
    (
        "non-ASCII digits are not digits",
        "0612345678\n٠٦١٢٣٤٥٦٧٨\n",
        [(1, "0612345678", None)],
        [(2, "unparseable_line")],
    ),
]


@pytest.mark.parametrize(
    ("content", "rows", "bads"),
    [pytest.param(c, r, b, id=i) for i, c, r, b in NATIONAL],
)
def test_national(tmp_path: Path, content: str, rows: list[Row], bads: list[Bad]) -> None:
    assert parse(tmp_path, content, "national") == (rows, bads)


def test_bad_date_comes_right_after_its_number(tmp_path: Path) -> None:
    items = list(read_list(write(tmp_path, "0612345678;32/01/2024\n"), format="national"))
    assert items == [
        ListLine(1, "0612345678", None),
        BadLine(1, "bad_date", "0612345678;32/01/2024"),
    ]


# ---------------------------------------------------------------------------------------------
# e164

E164: list[tuple[str, str, list[Row], list[Bad]]] = [
    (
        "plain",
        "+33612345678\n+447911123456\n",
        [(1, "+33612345678", None), (2, "+447911123456", None)],
        [],
    ),
    ("header CRLF", "e164\r\n+33612345678\r\n", [(2, "+33612345678", None)], []),
    (
        "date",
        "+33612345678;2024-03-01\n+33712345678;01/03/2024\n",
        [(1, "+33612345678", D), (2, "+33712345678", D)],
        [],
    ),
    (
        "shortest and longest",
        "+6834002\n+123456789012345\n",
        [(1, "+6834002", None), (2, "+123456789012345", None)],
        [],
    ),
    (
        "garbage",
        "+33612345678\n+336\n0612345678\n+1234567890123456\n+33 6 12 34 56 78\n",
        [(1, "+33612345678", None)],
        [
            (2, "unparseable_line"),
            (3, "unparseable_line"),
            (4, "unparseable_line"),
            (5, "unparseable_line"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("content", "rows", "bads"), [pytest.param(c, r, b, id=i) for i, c, r, b in E164]
)
def test_e164(tmp_path: Path, content: str, rows: list[Row], bads: list[Bad]) -> None:
    assert parse(tmp_path, content, "e164") == (rows, bads)


# ---------------------------------------------------------------------------------------------
# us-dnc

US: list[tuple[str, str, list[Row], list[Bad]]] = [
    (
        "ten digits",
        "2015550123\n9725550199\n",
        [(1, "2015550123", None), (2, "9725550199", None)],
        [],
    ),
    (
        "area,number",
        "201,5550123\r\n972,5550199\r\n",
        [(1, "2015550123", None), (2, "9725550199", None)],
        [],
    ),
    ("mixed", "201,5550123\n2025550123\n", [(1, "2015550123", None), (2, "2025550123", None)], []),
    (
        "garbage",
        "201,5550123\n20,15550123\n201-555-0123\n201,555012\n",
        [(1, "2015550123", None)],
        [(2, "unparseable_line"), (3, "unparseable_line"), (4, "unparseable_line")],
    ),
]


@pytest.mark.parametrize(
    ("content", "rows", "bads"), [pytest.param(c, r, b, id=i) for i, c, r, b in US]
)
def test_us_dnc(tmp_path: Path, content: str, rows: list[Row], bads: list[Bad]) -> None:
    assert parse(tmp_path, content, "us-dnc") == (rows, bads)


# ---------------------------------------------------------------------------------------------
# uk-tps

UK: list[tuple[str, str, list[Row], list[Bad]]] = [
    (
        "with spaces CRLF",
        "0207 3787244\r\n01635 506160\r\n",
        [(1, "02073787244", None), (2, "01635506160", None)],
        [],
    ),
    (
        "without spaces CRLF",
        "02073787244 \r\n01635506160 \r\n",
        [(1, "02073787244", None), (2, "01635506160", None)],
        [],
    ),
    (
        "ten digits padded",
        "01387 12345\r\n0138712345  \r\n",
        [(1, "0138712345", None), (2, "0138712345", None)],
        [],
    ),
    ("LF", "0207 3787244\n", [(1, "02073787244", None)], []),
    (
        "garbage",
        "0207 3787244\r\n0207 37872\r\nabc\r\n",
        [(1, "02073787244", None)],
        [(2, "unparseable_line"), (3, "unparseable_line")],
    ),
]


@pytest.mark.parametrize(
    ("content", "rows", "bads"), [pytest.param(c, r, b, id=i) for i, c, r, b in UK]
)
def test_uk_tps(tmp_path: Path, content: str, rows: list[Row], bads: list[Bad]) -> None:
    assert parse(tmp_path, content, "uk-tps") == (rows, bads)


# ---------------------------------------------------------------------------------------------
# csv

CSV: list[tuple[str, str | bytes, dict[str, str], list[Row], list[Bad]]] = [
    (
        "semicolon accents",
        "Nom;Téléphone;Date d'inscription\nDupont;0612345678;2024-03-01\n",
        {},
        [(2, "0612345678", D)],
        [],
    ),
    (
        "comma",
        "name,phone,registered\nA,+33612345678,01/03/2024\n",
        {},
        [(2, "+33612345678", D)],
        [],
    ),
    ("tab", "id\tmsisdn\n1\t33612345678\n", {}, [(2, "33612345678", None)], []),
    (
        "pipe",
        "id|Numero|date\r\n1|06 12 34 56 78|2024-03-01\r\n",
        {},
        [(2, "06 12 34 56 78", D)],
        [],
    ),
    (
        "cp1252 header",
        "Nom;Téléphone\r\nDupont;0612345678\r\n".encode("cp1252"),
        {},
        [(2, "0612345678", None)],
        [],
    ),
    (
        "BOM",
        "\ufefftelephone;date_inscription\n0612345678;2024-03-01\n",
        {},
        [(2, "0612345678", D)],
        [],
    ),
    ("quoted", '"Nom";"Tel"\n"Dupont; Jean";"0612345678"\n', {}, [(2, "0612345678", None)], []),
    (
        "Excel formula and float",
        'tel;x\n="0612345678";1\n612345678.0;2\n',
        {},
        [(2, "0612345678", None), (3, "612345678", None)],
        [],
    ),
    ("sep line", "sep=,\nnom,tel\nA,0612345678\n", {}, [(3, "0612345678", None)], []),
    (
        "column by name",
        "numero_client;portable;fixe\n42;0612345678;0112345678\n",
        {"column": "FIXE"},
        [(2, "0112345678", None)],
        [],
    ),
    (
        "column by position, no header",
        "x;0612345678\ny;0712345678\n",
        {"column": "2"},
        [(1, "0612345678", None), (2, "0712345678", None)],
        [],
    ),
    ("tel beats numero", "numero;tel\n1;0612345678\n", {}, [(2, "0612345678", None)], []),
    (
        "bad rows",
        "tel;date\n;2024-03-01\nn/a;\n0612345678;hier\n;;\n0712345678\n",
        {},
        [(4, "0612345678", None), (6, "0712345678", None)],
        [(2, "missing_number"), (3, "bad_number"), (4, "bad_date")],
    ),
    (
        "stray quote does not swallow lines",
        'tel;nom\n0612345678;"Dup\n0712345678;x\n',
        {},
        [(2, "0612345678", None), (3, "0712345678", None)],
        [],
    ),
]


@pytest.mark.parametrize(
    ("content", "kwargs", "rows", "bads"),
    [pytest.param(c, k, r, b, id=i) for i, c, k, r, b in CSV],
)
def test_csv(
    tmp_path: Path,
    content: str | bytes,
    kwargs: dict[str, str],
    rows: list[Row],
    bads: list[Bad],
) -> None:
    assert parse(tmp_path, content, "csv", **kwargs) == (rows, bads)


def test_csv_column_implies_csv_under_auto(tmp_path: Path) -> None:
    assert parse(tmp_path, "a;b\nx;0612345678\n", column="b") == ([(2, "0612345678", None)], [])


@pytest.mark.parametrize(
    ("content", "kwargs", "error", "fragments"),
    [
        ("nom;adresse\nA;B\n", {}, ColumnNotFoundError, ["no column of the header", "'adresse'"]),
        ("nom;tel\nA;0612345678\n", {"column": "mobile"}, ColumnNotFoundError, ["'mobile'"]),
        ("x;0612345678\n", {}, ColumnNotFoundError, ["not a header", "--column"]),
        ("tel;telephone\n1;2\n", {}, ListFileError, ["several columns", "'tel', 'telephone'"]),
        ("tel;nom\n;A\nabc;B\n", {}, ListFileError, ["2 bad lines", "lines 2, 3", "--format"]),
    ],
)
def test_csv_errors(
    tmp_path: Path,
    content: str,
    kwargs: dict[str, str],
    error: type[Exception],
    fragments: list[str],
) -> None:
    with pytest.raises(error) as caught:
        list(read_list(write(tmp_path, content), format="csv", **kwargs))
    for fragment in fragments:
        assert fragment in str(caught.value)


# ---------------------------------------------------------------------------------------------
# auto-detection

AUTO: list[tuple[str, str, str]] = [
    ("national", "0612345678\n0712345678\n", "national"),
    ("national header dates", "Telephone;Identifiant\r\n0612345678;2024-03-01\r\n", "national"),
    ("national Excel", "612345678\n712345678\n", "national"),
    ("national datetime first", "0612345678;2024-03-01T10:00:00\n", "national"),
    ("e164", "+33612345678\n+447911123456\n", "e164"),
    ("e164 header", "phone\n+33612345678\n", "e164"),
    ("us ten digits", "2015550123\n9725550199\n", "us-dnc"),
    ("us comma", "201,5550123\n", "us-dnc"),
    ("uk with spaces", "0207 3787244\r\n01635 506160\r\n", "uk-tps"),
    ("uk without spaces", "02073787244 \r\n01635506160 \r\n", "uk-tps"),
    ("uk ten-digit padded", "0138712345  \r\n", "uk-tps"),
    ("uk trimmed", "02073787244\n01635506160\n", "uk-tps"),
    ("csv", "nom;telephone;ville\nA;0612345678;Paris\n", "csv"),
    ("csv single column", "telephone\n06 12 34 56 78\n", "csv"),
    ("csv two columns not a date", "telephone,nom\n0612345678,Dupont\n", "csv"),
    ("tolerates garbage lines", "numero\n0612345678;01/03/2024\nxyz\n", "national"),
    ("csv when most lines match nothing", "tel;x\n0612345678\nab\ncd\nef\n", "csv"),
]


@pytest.mark.parametrize(("content", "expected"), [pytest.param(c, e, id=i) for i, c, e in AUTO])
def test_detect_format(tmp_path: Path, content: str, expected: str) -> None:
    path = write(tmp_path, content)
    assert detect_format(path) == expected
    assert split(list(read_list(path))) == split(list(read_list(path, format=expected)))


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("0612345678\n+33712345678\n", ["cannot recognise", "tried national, e164", "--format"]),
        ("0612345678\n2015550123\n", ["national 1", "us-dnc 1", "of 2"]),
        ("numero\n", ["no data line"]),
        ("nom;ville\nA;Paris\n", ["no line matched any", "csv"]),
        ("ADD,0612345678\nDEL,0712345678\n", ["ADD/DEL", "--mode delta"]),
        ("0612345678;1;OK\n0712345678;0;KO\n", ["no line matched any", "Bloctel"]),
    ],
)
def test_detect_format_refuses(tmp_path: Path, content: str, fragments: list[str]) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ListFileError) as caught:
        detect_format(path)
    for fragment in fragments:
        assert fragment in str(caught.value)
    with pytest.raises(ListFileError):
        read_list(path)


# ---------------------------------------------------------------------------------------------
# delta

DELTA: list[tuple[str, str, str, list[Row], list[Bad]]] = [
    (
        "national",
        "national",
        "ADD,0612345678\nDEL,0712345678\n",
        [(1, "0612345678", None), (2, "0712345678", None, "remove")],
        [],
    ),
    (
        "header, A/D, ;, case",
        "auto",
        "Indicator;Number\r\na;0612345678\r\nd ; 0712345678\r\n",
        [(2, "0612345678", None), (3, "0712345678", None, "remove")],
        [],
    ),
    (
        "us-dnc",
        "auto",
        "INDICATOR,NUMBER\nADD,201,5550123\nDEL,202,5550123\n",
        [(2, "2015550123", None), (3, "2025550123", None, "remove")],
        [],
    ),
    (
        "uk-tps",
        "auto",
        "ADD,0207 3787244\r\nDEL,01635 506160\r\n",
        [(1, "02073787244", None), (2, "01635506160", None, "remove")],
        [],
    ),
    ("date", "national", "ADD;0612345678;2024-03-01\n", [(1, "0612345678", D)], []),
    (
        "bad lines",
        "e164",
        "ADD,+33612345678\nUPD,+33612345678\n+33712345678\nDEL,\nDEL,0612\n",
        [(1, "+33612345678", None)],
        [
            (2, "bad_indicator"),
            (3, "bad_indicator"),
            (4, "missing_number"),
            (5, "unparseable_line"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("fmt", "content", "rows", "bads"),
    [pytest.param(f, c, r, b, id=i) for i, f, c, r, b in DELTA],
)
def test_delta(tmp_path: Path, fmt: str, content: str, rows: list[Row], bads: list[Bad]) -> None:
    assert parse(tmp_path, content, fmt, mode="delta") == (rows, bads)


@pytest.mark.parametrize("fmt", ["auto", "us-dnc"])
def test_delta_with_only_a_header_is_refused(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, "INDICATOR,NUMBER\r\n")
    with pytest.raises(ListFileError, match="no data line|no number found"):
        list(read_list(path, format=fmt, mode="delta"))


def test_delta_detect_format_gives_the_number_format(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "ADD,201,5550123\n"), mode="delta") == "us-dnc"


def test_delta_mode_on_a_full_list(tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\n0712345678\n")
    with pytest.raises(ListFileError, match="without --mode delta"):
        read_list(path, mode="delta")
    with pytest.raises(ListFileError, match=r"2 bad lines \(lines 1, 2\)"):
        list(read_list(path, format="national", mode="delta"))


def test_delta_file_read_as_full_list_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "INDICATOR,NUMBER\nADD,0612345678\nDEL,0712345678\n")
    with pytest.raises(ListFileError, match="use --mode delta"):
        list(read_list(path, format="national"))


# ---------------------------------------------------------------------------------------------
# files that cannot be read


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"", ["file is empty", "fetch the list again"]),
        (b"\xef\xbb\xbf", ["file is empty"]),
        (b"\r\n  \n\t\n", ["file is empty (only blank lines)"]),
        (b"0612345678\x00\x00\x01", ["binary (it contains NUL bytes)", "plain text or CSV"]),
        (b"PK\x03\x04\x14\x00", ["Excel .xlsx workbook", "export it as CSV"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", ["Excel .xls workbook"]),
        (b"\x1f\x8b\x08", ["gzip-compressed", "gunzip"]),
        (b"%PDF-1.7", ["PDF"]),
        ("0612345678\n".encode("utf-16"), ["UTF-16", "UTF-8"]),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, fragments: list[str]) -> None:
    path = write(tmp_path, content)
    for fmt in ("auto", "national", "csv"):
        with pytest.raises(InputFileError) as caught:
            read_list(path, format=fmt)
        for fragment in fragments + [str(path)]:
            assert fragment.lower() in str(caught.value).lower()
    with pytest.raises(InputFileError):
        detect_format(path)


def test_missing_file_fails_at_call_time(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found"):
        read_list(tmp_path / "nope.txt", format="national")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="is a directory"):
        read_list(tmp_path)


def test_file_vanishing_before_iteration(tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\n")
    lines = read_list(path)
    path.unlink()
    with pytest.raises(InputFileError, match="file not found"):
        list(lines)


@pytest.mark.parametrize(
    ("content", "fmt", "fragments"),
    [
        (
            "Telephone\nabc\n123\n\nxyz\n1\n2\n3\n",
            "national",
            ["no usable line", "6 bad lines", "lines 2, 3, 5, 6, 7, ...", "--format national"],
        ),
        ("0612345678;1;OK\n0712345678;0;KO\n", "national", ["2 bad lines", "Bloctel"]),
        ("0612345678\n", "e164", ["1 bad line (line 1)", "(as given)"]),
        ("numero\n", "national", ["no number found", "export is complete"]),
    ],
)
def test_no_usable_line(tmp_path: Path, content: str, fmt: str, fragments: list[str]) -> None:
    items = read_list(write(tmp_path, content), format=fmt)
    with pytest.raises(ListFileError) as caught:
        list(items)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_bad_arguments(tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\n")
    with pytest.raises(InvalidArgumentError, match="unknown list format 'xls'"):
        read_list(path, format="xls")
    with pytest.raises(InvalidArgumentError, match="unknown list mode"):
        read_list(path, mode="incremental")
    with pytest.raises(InvalidArgumentError, match="--column"):
        read_list(path, format="national", column="tel")
    with pytest.raises(InvalidArgumentError, match="delta"):
        read_list(path, format="csv", mode="delta")
    with pytest.raises(InvalidArgumentError):
        detect_format(path, mode="x")


# ---------------------------------------------------------------------------------------------
# long lines, block boundaries, encodings


def test_one_megabyte_line_is_a_bad_line(tmp_path: Path) -> None:
    content = "0612345678\n" + "9" * 1_000_000 + "\n0712345678\n"
    for fmt in ("auto", "national"):
        items = list(read_list(write(tmp_path, content), format=fmt))
        assert split(items) == (
            [(1, "0612345678", None), (3, "0712345678", None)],
            [(2, "line_too_long")],
        )
        assert items[1] == BadLine(2, "line_too_long", "9" * 80)


def test_line_longer_than_a_read_block(tmp_path: Path) -> None:
    content = "tel\n0612345678\nx" + "y" * 3_000_000 + "\n0712345678\n" + "z" * 2_000_000
    for fmt in ("national", "csv"):
        assert parse(tmp_path, content, fmt) == (
            [(2, "0612345678", None), (4, "0712345678", None)],
            [(3, "line_too_long"), (5, "line_too_long")],
        )


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_block_boundaries_do_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    content = (
        "\ufeffTéléphone;date\r\n0612345678;2024-03-01\r\n\r\nabc\r\n0712345678\r\n"
        + "x" * 150
        + "\r\n0812345678;01/03/2024\r\n0912345678"
    )
    expected = parse(tmp_path, content, "national")
    monkeypatch.setattr(listfiles, "_CHUNK_BYTES", chunk)
    monkeypatch.setattr(listfiles, "_MAX_LINE", 100)
    got = parse(tmp_path, content, "national")
    assert got[0] == expected[0]
    assert got[1] == [(4, "unparseable_line"), (6, "line_too_long")]


def test_cp1252_block_among_utf8(tmp_path: Path) -> None:
    content = "Téléphone;Date\n".encode("cp1252") + b"0612345678;2024-03-01\n"
    assert parse(tmp_path, content) == ([(2, "0612345678", D)], [])
    assert parse(tmp_path, b"0612345678\n\x81\x9d\n", "national") == (
        [(1, "0612345678", None)],
        [(2, "unparseable_line")],
    )


def test_classic_mac_line_ends(tmp_path: Path) -> None:
    assert parse(tmp_path, "tel;nom\r0612345678;A\r0712345678;B\r") == (
        [(2, "0612345678", None), (3, "0712345678", None)],
        [],
    )


def test_stopping_early_closes_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\n" * 10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lines = read_list(path)
        next(lines)
        del lines
        unused = read_list(path)
        del unused
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


# ---------------------------------------------------------------------------------------------
# property: writing numbers in a format and reading them back


def _national() -> st.SearchStrategy[tuple[str, str]]:
    ten = st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True)
    nine = st.from_regex(r"[1-9][0-9]{8}", fullmatch=True)
    return st.one_of(ten, ten, nine).map(lambda n: (n, n))


def _e164() -> st.SearchStrategy[tuple[str, str]]:
    return st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True).map(lambda n: (n, n))


def _us() -> st.SearchStrategy[tuple[str, str]]:
    number = st.from_regex(r"[2-9][0-9]{9}", fullmatch=True)
    return st.tuples(number, st.booleans()).map(
        lambda nc: (f"{nc[0][:3]},{nc[0][3:]}" if nc[1] else nc[0], nc[0])
    )


def _uk_spaced() -> st.SearchStrategy[tuple[str, str]]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, str]:
        code = draw(st.from_regex(r"0[1-9][0-9]{2,3}", fullmatch=True))
        size = draw(st.sampled_from([n for n in (10 - len(code), 11 - len(code)) if n <= 7]))
        rest = draw(st.from_regex(rf"[0-9]{{{size}}}", fullmatch=True))
        return code.ljust(5) + rest.rjust(7), code + rest

    return build()


def _uk_packed() -> st.SearchStrategy[tuple[str, str]]:
    return st.from_regex(r"0[1-9][0-9]{8,9}", fullmatch=True).map(lambda n: (n.ljust(12), n))


WRITERS = {
    "national": _national,
    "e164": _e164,
    "us-dnc": _us,
    "uk-tps spaced": _uk_spaced,
    "uk-tps packed": _uk_packed,
}


@pytest.mark.parametrize("variant", list(WRITERS))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_round_trip(tmp_path: Path, variant: str, data: st.DataObject) -> None:
    fmt = variant.split()[0]
    numbers = data.draw(st.lists(WRITERS[variant](), min_size=1, max_size=40), label="numbers")
    blanks = data.draw(st.lists(st.booleans(), min_size=len(numbers), max_size=len(numbers)))
    newline = data.draw(st.sampled_from(["\n", "\r\n"]), label="newline")
    lines: list[str] = []
    for (written, _raw), blank in zip(numbers, blanks, strict=True):
        if blank:
            lines.append("")
        lines.append(written)
    path = write(tmp_path, newline.join(lines) + newline)
    expected = [raw for _written, raw in numbers]
    for given_format in (fmt, "auto"):
        items = list(read_list(path, format=given_format))
        assert [i.raw for i in items if isinstance(i, ListLine)] == expected
        assert len(items) == len(numbers)
        assert [i.line for i in items] == [n + 1 for n, text in enumerate(lines) if text]
    assert detect_format(path) == fmt


_FUZZ_TEXT = st.lists(
    st.sampled_from(
        [
            "0612345678",
            "612345678",
            "+33612345678",
            "2015550123",
            "201,5550123",
            "0207 3787244",
            "02073787244 ",
            "ADD,",
            "DEL;",
            "A,",
            "tel",
            ";",
            ",",
            "\t",
            "|",
            '"',
            "=",
            "2024-03-01",
            "01/03/2024",
            "T10:00",
            " ",
            "\r\n",
            "\n",
            "\r",
            "é",
            "sep=;",
            "INDICATOR,NUMBER",
            "x" * 30,
        ]
    ),
    max_size=30,
).map("".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.one_of(_FUZZ_TEXT.map(str.encode), st.binary(max_size=200)),
    fmt=st.sampled_from(FORMATS),
    mode=st.sampled_from(["full", "delta"]),
)
def test_only_library_errors_escape(tmp_path: Path, content: bytes, fmt: str, mode: str) -> None:
    path = write(tmp_path, content)
    try:
        items = list(read_list(path, format=fmt, mode=mode))
    except SuppressionError:
        return
    assert all(type(item) in (ListLine, BadLine) for item in items)
    numbers = [item.line for item in items]
    assert numbers == sorted(numbers)


_DATED_PIECES = [
    "0612345678;01/03/2024",
    "0712345678;2024-03-01",
    "0612345678;2024-02-30",
    "061234567;;01/03/2024",
    "0612345678;01/03/2024;",
    "06123456789;1/03/2024",
    "06123456a8;01/03/2024",
    "0612345678|01/03/2024",
    "0612345678;01/03/2024 ",
    "0612345678",
    "",
    "01/03/2024",
    "0612345678;",
]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(st.sampled_from(_DATED_PIECES), min_size=1, max_size=12),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
)
def test_dated_blocks_read_like_lines(
    tmp_path: Path, lines: list[str], newline: str, final: bool
) -> None:
    path = write(tmp_path, newline.join(lines) + (newline if final else ""))
    for day in ("01/03/2024", "2024-03-01", "1/03/2024"):
        listfiles._parse_date(day)  # known dates let whole blocks take the fast path

    def read() -> tuple[list[ListLine | BadLine], str]:
        try:
            return list(read_list(path, format="national")), ""
        except (ListFileError, InputFileError) as exc:
            return [], str(exc)

    fast = read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listfiles, "_dated_block", lambda block, dates: None)
        assert read() == fast


def test_dated_block_takes_clean_blocks_only() -> None:
    listfiles._parse_date("01/03/2024")
    known = listfiles._date_cache
    block = "0612345678;01/03/2024\n0712345678;01/03/2024"
    assert listfiles._dated_block(block, known) == (["0612345678", "0712345678"], [D, D])
    assert listfiles._dated_block(block + "\n", known) is None
    assert listfiles._dated_block(block.replace(";0", ";;"), known) is None
    assert listfiles._dated_block("061234567;;01/03/2024", known) is None
    assert listfiles._dated_block("06123456a8;01/03/2024", known) is None
    assert listfiles._dated_block("0612345678;02/03/1999", known) is None


_PLAIN_PIECES = [
    "0612345678",
    "2015550123",
    "061234567",
    "06123456789",
    "06 2345678",
    "061234567a",
    "+33612345678",
    "0612345678;01/03/2024",
    "",
]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(st.sampled_from(_PLAIN_PIECES), min_size=1, max_size=12),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    fmt=st.sampled_from(["national", "us-dnc", "e164"]),
)
def test_plain_blocks_read_like_lines(
    tmp_path: Path, lines: list[str], newline: str, final: bool, fmt: str
) -> None:
    path = write(tmp_path, newline.join(lines) + (newline if final else ""))
    listfiles._parse_date("01/03/2024")

    def read() -> tuple[list[ListLine | BadLine], str]:
        try:
            return list(read_list(path, format=fmt)), ""
        except (ListFileError, InputFileError) as exc:
            return [], str(exc)

    fast = read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listfiles, "_digit_block", lambda block, width: None)
        assert read() == fast


def test_digit_block_takes_clean_blocks_only() -> None:
    assert listfiles._digit_block("0612345678\n0712345678", 10) == ["0612345678", "0712345678"]
    assert listfiles._digit_block("0612345678\n0712345678\n", 10) is None
    assert listfiles._digit_block("0612345678\n071234567\n8", 10) is None
    assert listfiles._digit_block("061234567\n80712345678", 10) is None
    assert listfiles._digit_block("06123456a8\n0712345678", 10) is None


def test_runs_gather_consecutive_clean_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Telephone\n0612345678\n0712345678\nabc\n\n0612345679;01/03/2024\n"
        "0612345670;32/01/2024\n0612345671\n",
    )
    assert list(read_list_runs(path, format="national")) == [
        LineRun(2, ["0612345678", "0712345678"], [None, None]),
        BadLine(4, "unparseable_line", "abc"),
        LineRun(6, ["0612345679"], [D]),
        ListLine(7, "0612345670", None),  # a bad date ends a run: the BadLine must follow it
        BadLine(7, "bad_date", "0612345670;32/01/2024"),
        LineRun(8, ["0612345671"], [None]),
    ]
    expanded = [
        line
        for item in read_list_runs(path, format="national")
        for line in (item.lines() if isinstance(item, LineRun) else [item])
    ]
    assert expanded == list(read_list(path, format="national"))
