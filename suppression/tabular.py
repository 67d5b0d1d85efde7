"""Read prospect tables (CSV, TSV, ``;``-separated text, ``.xlsx``) as text.

Finding columns by their headers is in ``suppression.columns``; writing result CSVs in
``suppression.csvout``.

Reading (:func:`open_table`) streams the file: memory stays flat whatever the number of rows,
and every cell stays the exact text of the file, so ``0612345678`` keeps its leading zero.

Decisions (the README quotes them):

* **Encoding.** A BOM wins (``utf-8-sig``, ``utf-16``). Otherwise the whole file is checked as
  strict UTF-8 while it is hashed; if it is not UTF-8, the first chunk holding non-ASCII bytes is
  examined: Latin-script text is read as ``cp1252`` (Excel's "CSV" on Western Windows), anything
  else gets charset-normalizer's best guess. A file that starts as valid UTF-8 (accented letters
  included) and later holds a byte that is not UTF-8 is refused with the row number and a hint to
  pass ``--encoding cp1252``. ``encoding=`` forces a codec; ``utf-8`` is read as ``utf-8-sig``
  when the file starts with a BOM. Undecodable bytes are always refused before the first row is
  returned, never replaced.
* **Delimiter.** Among ``;``, ``,``, tab and ``|``, the one that splits the header into at least
  two cells and gives the most rows of the header's width (quotes respected) wins; ties go to
  that order. No candidate: a one-column file. ``delimiter=`` forces one.
* **Rows.** The header is the first row with a non-blank cell. Data rows are numbered as in the
  file (the header's row is 1 when it is the first line; a quoted cell spanning lines counts as
  one row, like Excel). Blank lines are skipped (they hold no cell); every other row is yielded,
  even one whose cells are all empty. Short rows are padded with ``""`` to the header's width;
  cells beyond the header's width are kept so no data is lost, except trailing empty ones.
* **xlsx.** First worksheet unless ``sheet=``; ``None`` -> ``""``, integral floats such as
  ``612345678.0`` -> ``"612345678"`` (Excel already dropped the leading zero: the phone layer
  restores it), dates -> ISO 8601 (a midnight datetime -> ``YYYY-MM-DD``), anything else
  ``str()``. Rows without any value are skipped. ``encoding=``/``delimiter=`` are ignored for
  workbooks, ``sheet=`` for text files.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import itertools
import os
import re
import stat
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final

from suppression.columns import normalize_header
from suppression.errors import (
    InputFileError,
    InvalidArgumentError,
)

__all__ = [
    "TableInfo",
    "TableReader",
    "check_delimiter",
    "file_sha256",
    "open_table",
]

_CHUNK: Final = 1 << 20
_BINARY_PROBE: Final = 8192
_SNIFF_BYTES: Final = 1 << 16
_SNIFF_RECORDS: Final = 50
_GUESS_WINDOW: Final = 1 << 16
# A 1 MB cell is legal; the limit only stops an unclosed quote from swallowing a whole file.
_FIELD_LIMIT: Final = 16 * 1024 * 1024

_DELIMITERS: Final = (";", ",", "\t", "|")
_DELIMITER_ALIASES: Final = {"\\t": "\t", "tab": "\t", "tabulation": "\t"}
_XLSX_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stateless one-byte codecs: validating them means looking for their few undefined bytes with
# memchr, ~10x faster than decoding the whole file a second time.
_SINGLE_BYTE_CODECS: Final = frozenset(
    {"cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1257", "iso8859-1", "iso8859-15"}
)

_HINT_REEXPORT: Final = "Export the prospect list again from Excel (File > Save As > CSV or .xlsx)"
_HINT_EMPTY: Final = "Export the prospect list again, with a header row and one prospect per row"

_NON_ASCII_LETTERS: Final = re.compile(r"[^\W\d_\x00-\x7f]+")
_NON_ASCII_BYTE: Final = re.compile(rb"[\x80-\xff]")
_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


@dataclass(frozen=True)
class TableInfo:
    """What was found when opening a table.

    ``encoding`` is a Python codec name (``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``...) or
    ``"xlsx"``; ``delimiter`` is ``None`` for workbooks; ``sha256`` is the hex digest of the
    file's bytes; ``header_row`` is the row number of the header (1 unless blank rows precede it).
    """

    path: str
    encoding: str
    delimiter: str | None
    header: tuple[str, ...]
    sha256: str
    header_row: int = 1


class TableReader:
    """An open table: iterate it for ``(row_number, cells)``; close it (or use ``with``).

    Iteration is a single pass: iterating again continues where the previous loop stopped.
    Each ``cells`` list has at least ``len(info.header)`` strings (see the module docstring for
    ragged rows) and belongs to the caller. Errors found while reading raise
    :class:`InputFileError` naming the row.
    """

    def __init__(
        self,
        info: TableInfo,
        rows: Iterator[tuple[int, list[str]]],
        progress: Callable[[], float],
        close: Callable[[], None],
    ) -> None:
        self.info = info
        self._rows = rows
        self._progress = progress
        self._close = close
        self._closed = False

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def progress(self) -> float:
        """Fraction of the file read so far, 0.0 to 1.0 (an estimate, for a progress bar)."""
        if self._closed:
            return 1.0
        try:
            return min(1.0, max(0.0, self._progress()))
        except (OSError, ValueError):
            # A progress bar must never be the reason a screening run fails.
            return 0.0

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> TableReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
# Opening


def open_table(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> TableReader:
    """Open a prospect table for streaming; the header is read and checked before returning.

    ``.xlsx``/``.xlsm``/``.xltx``/``.xltm`` files are read as workbooks, anything else as text.
    Raises :class:`InputFileError` for a missing, unreadable, empty, binary or undecodable file
    (undecodable bytes anywhere in a text file are found here, before any row is returned) and
    :class:`InvalidArgumentError` for an unknown ``encoding`` or an unusable ``delimiter``.
    """
    name = os.fspath(path)
    _check_regular_file(name)
    if os.path.splitext(name)[1].lower() in _XLSX_SUFFIXES:
        return _open_xlsx(name, sheet)
    return _open_text(name, encoding, delimiter)


def _check_regular_file(name: str) -> None:
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise InputFileError(
            "file not found", file=name, hint="Check the path and the file name"
        ) from None
    except OSError as exc:
        raise _os_error(exc, name) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(
            "this is a folder, not a file", file=name, hint="Give the path of the file itself"
        )
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(
            "this is not a regular file", file=name, hint="Give the path of a CSV or .xlsx file"
        )
    if st.st_size == 0:
        raise InputFileError("the file is empty (0 bytes)", file=name, hint=_HINT_EMPTY)


def _os_error(exc: OSError, name: str, row: int | None = None) -> InputFileError:
    if isinstance(exc, PermissionError):
        return InputFileError(
            "cannot read the file: permission denied",
            file=name,
            row=row,
            hint="Check the file's permissions, or close the program that locks it",
        )
    return InputFileError(
        f"cannot read the file: {exc.strerror or exc}",
        file=name,
        row=row,
        hint="Check that the file is still there and readable, then run again",
    )


def _open_binary(name: str) -> io.BufferedReader:
    try:
        return open(name, "rb")  # noqa: SIM115 - the reader owns it until close()
    except OSError as exc:
        raise _os_error(exc, name) from None


# --------------------------------------------------------------------------------------------
# Text files


def _open_text(name: str, encoding: str | None, delimiter: str | None) -> TableReader:
    forced_delimiter = check_delimiter(delimiter) if delimiter is not None else None
    forced_encoding = _check_encoding(encoding) if encoding is not None else None
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)

    binary = _open_binary(name)
    try:
        size = os.fstat(binary.fileno()).st_size
        head = binary.read(_SNIFF_BYTES)
        chosen, digest = _scan_text(binary, name, head, forced_encoding, forced_delimiter)
        complete = len(head) >= size
        sample = codecs.getincrementaldecoder(chosen)("replace").decode(head, final=complete)
        delim = forced_delimiter or _detect_delimiter(sample, complete=complete)
        binary.seek(0)
        text = io.TextIOWrapper(binary, encoding=chosen, errors="strict", newline="")
    except BaseException:
        binary.close()
        raise

    reader = csv.reader(text, delimiter=delim, quotechar='"', doublequote=True, strict=True)
    try:
        header_row, header = _read_header(reader, name, chosen, delim)
    except BaseException:
        text.close()
        raise

    info = TableInfo(
        path=name,
        encoding=chosen,
        delimiter=delim,
        header=tuple(header),
        sha256=digest,
        header_row=header_row,
    )
    state = {"closed": False}

    def close() -> None:
        state["closed"] = True
        text.close()

    def progress() -> float:
        return binary.tell() / size if size else 1.0

    rows = _text_rows(reader, info, lambda: state["closed"])
    return TableReader(info, rows, progress, close)


def check_delimiter(delimiter: str) -> str:
    value = _DELIMITER_ALIASES.get(delimiter.lower(), delimiter)
    if len(value) != 1 or value in '"\r\n\0' or value.isalnum():
        raise InvalidArgumentError(
            f"invalid delimiter {delimiter!r}",
            hint="Use a single character such as ';', ',', '|' or '\\t' (tab)",
        )
    return value


def _check_encoding(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
        # Rejects codecs that are not text encodings, such as "hex" or "rot13".
        "a".encode(name).decode(name)
        return name
    except (LookupError, UnicodeError):
        raise InvalidArgumentError(
            f"unknown encoding {encoding!r}", hint="Use utf-8, utf-8-sig, cp1252 or latin-1"
        ) from None


def _ascii_compatible(encoding: str) -> bool:
    probe = "\r\n;,|\t\"'azAZ09 "
    try:
        return probe.encode(encoding) == probe.encode("ascii")
    except UnicodeError:
        return False


def _scan_text(
    binary: io.BufferedReader,
    name: str,
    head: bytes,
    forced: str | None,
    forced_delimiter: str | None,
) -> tuple[str, str]:
    """Choose and validate the encoding over the whole file while hashing it.

    Doing it up front costs ~0.2 µs per row and means a bad byte at row 900,000 is reported
    before any output is written, instead of leaving half-written result files behind.
    """
    if forced is not None:
        encoding = forced
        if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
            # A BOM read as UTF-8 would glue U+FEFF to the first header name.
            encoding = "utf-8-sig"
        decided = True
    elif head.startswith(codecs.BOM_UTF8):
        encoding, decided = "utf-8-sig", True
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, decided = "utf-16", True
    else:
        encoding, decided = "utf-8", False

    check_nul = _ascii_compatible(encoding)
    if check_nul:
        _refuse_binary(head, name)

    digest = hashlib.sha256()
    validator = _Validator(encoding)
    seen_utf8_text = False
    problem: str | None = None
    before = b""
    binary.seek(0)
    while chunk := binary.read(_CHUNK):
        digest.update(chunk)
        if check_nul and b"\0" in chunk:
            problem = "nul"
            break
        if decided:
            if not validator.feed(chunk):
                problem = "decode"
                break
            continue
        pending = validator.pending()
        try:
            seen_utf8_text = validator.feed_utf8(chunk) or seen_utf8_text
        except UnicodeDecodeError as exc:
            if seen_utf8_text or not exc.object[: exc.start].isascii():
                problem = "mixed"
                break
            encoding, decided = _guess_encoding(before, pending + chunk), True
            validator = _Validator(encoding)
            if not validator.feed(pending + chunk):
                problem = "decode"
                break
        before = chunk[-_GUESS_WINDOW:]
    if problem is None and not validator.finish():
        problem = "decode"
    if problem is not None:
        raise _bad_text_error(name, head, encoding, forced_delimiter, problem)
    return encoding, digest.hexdigest()


class _Validator:
    """Strict decoding of a stream of chunks, without keeping the decoded text."""

    def __init__(self, encoding: str) -> None:
        name = codecs.lookup(encoding).name
        self._gaps: tuple[bytes, ...] | None = None
        if name in _SINGLE_BYTE_CODECS:
            self._gaps = tuple(b for b in (bytes([i]) for i in range(256)) if not _decodes(b, name))
        self._decoder = codecs.getincrementaldecoder(name)("strict")
        self._ascii_safe = _ascii_compatible(name)

    def pending(self) -> bytes:
        return self._decoder.getstate()[0]

    def feed(self, chunk: bytes) -> bool:
        if self._gaps is not None:
            return not any(gap in chunk for gap in self._gaps)
        if self._ascii_safe and chunk.isascii() and not self.pending():
            return True
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError:
            return False
        return True

    def feed_utf8(self, chunk: bytes) -> bool:
        """Decode as UTF-8; True when the chunk held non-ASCII UTF-8 text. May raise."""
        if chunk.isascii() and not self.pending():
            return False
        return not self._decoder.decode(chunk).isascii()

    def finish(self) -> bool:
        if self._gaps is not None:
            return True
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _refuse_binary(head: bytes, name: str) -> None:
    if head.startswith(_OLE2_MAGIC):
        raise InputFileError(
            "old Excel .xls workbooks (and other OLE2 files) are not supported",
            file=name,
            hint="Open it in Excel and save it as .xlsx or as CSV",
        )
    if head.startswith(_ZIP_MAGIC):
        raise InputFileError(
            "the file is a zip archive (an Excel workbook?), not a text table",
            file=name,
            hint="If it is an Excel workbook, give it the .xlsx extension; otherwise export it "
            "as CSV",
        )
    if b"\0" in head[:_BINARY_PROBE]:
        raise InputFileError(
            "the file is not a text table: it contains binary data",
            file=name,
            hint=f"{_HINT_REEXPORT}; if it is UTF-16 text, pass --encoding utf-16",
        )


def _guess_encoding(before: bytes, data: bytes) -> str:
    """Encoding of ``data``, which is not UTF-8: cp1252 for Latin-script text, else a guess.

    ``before`` is the ASCII text that precedes it: when the first accent sits in the last few
    bytes of the file, it gives the guess some context.
    """
    joined = before + data
    match = _NON_ASCII_BYTE.search(joined)
    first = match.start() if match else 0
    # From a little before the first accent, or earlier when the file ends soon after it.
    start = max(0, min(first - 1024, len(joined) - _GUESS_WINDOW))
    window = joined[start : start + _GUESS_WINDOW]
    western = _decodes(window, "cp1252")
    if western and _looks_western(window.decode("cp1252")):
        return "cp1252"
    import charset_normalizer

    best = charset_normalizer.from_bytes(window).best()
    if best is not None:
        try:
            guess = codecs.lookup(str(best.encoding)).name
        except LookupError:
            guess = ""
        # The bytes before this chunk were read as ASCII: only ASCII supersets keep them valid.
        if guess and _ascii_compatible(guess) and _decodes(window, guess):
            return guess
    # latin-1 decodes any byte: the file can still be read, then checked by a person.
    return "cp1252" if western else "iso8859-1"


def _looks_western(text: str) -> bool:
    """True unless most accented letters come in runs of three or more.

    Western European words hold isolated accents ("Hélène", "créée", "à"); Cyrillic or Greek
    misread as cp1252 turns whole words into accented runs ("Èâàí" for "Иван"), which is when
    charset-normalizer is asked instead. Short French samples are where charset-normalizer errs
    (it answers cp1250, big5, johab...), hence this test first.
    """
    letters = in_runs = 0
    for run in _NON_ASCII_LETTERS.findall(text):
        letters += len(run)
        if len(run) >= 3:
            in_runs += len(run)
    return in_runs * 2 < letters


def _bad_text_error(
    name: str, head: bytes, encoding: str, forced_delimiter: str | None, problem: str
) -> InputFileError:
    delimiter = forced_delimiter
    if delimiter is None:
        sample = codecs.getincrementaldecoder(encoding)("replace").decode(head)
        delimiter = _detect_delimiter(sample, complete=False)
    where = _locate_bad_byte(name, encoding, delimiter, nul_only=problem == "nul")
    row, found = where if where is not None else (None, "")
    if problem == "nul":
        return InputFileError(
            "the file contains a NUL byte (binary data) in the middle of the text",
            file=name,
            row=row,
            hint=f"The file may be damaged or not a real CSV export. {_HINT_REEXPORT}",
        )
    label = found or "a byte"
    if problem == "mixed":
        return InputFileError(
            f"the file starts as UTF-8 but then holds {label}: it mixes two encodings",
            file=name,
            row=row,
            hint="Pass --encoding cp1252 to read it all as Windows Western European (its UTF-8 "
            "accents will then look garbled), or better, export the file again as 'CSV UTF-8'",
        )
    if encoding in ("utf-8", "utf-8-sig"):
        hint = "The file is not UTF-8: pass --encoding cp1252 (Excel's usual CSV encoding)"
    else:
        hint = f"The file is not {encoding}: pass --encoding utf-8, or --encoding latin-1"
    return InputFileError(f"cannot decode {label} as {encoding}", file=name, row=row, hint=hint)


def _locate_bad_byte(
    name: str, encoding: str, delimiter: str, *, nul_only: bool = False
) -> tuple[int, str] | None:
    """Row (as iteration numbers it) and description of the first NUL or undecodable byte.

    Only runs after a failure, so it may be slow: it re-reads the file line by line and lets
    the csv module count rows, so quoted cells spanning lines are counted like the real reader.
    """
    name_enc = codecs.lookup(encoding).name
    if not _ascii_compatible(name_enc):
        return None
    line_codec = "utf-8" if name_enc == "utf-8-sig" else name_enc
    found: list[str] = []

    def pieces() -> Iterator[str]:
        with open(name, "rb") as handle:
            for number, raw in enumerate(handle):
                if number == 0 and raw.startswith(codecs.BOM_UTF8) and line_codec == "utf-8":
                    raw = raw[len(codecs.BOM_UTF8) :]
                bad = raw.find(b"\0")
                label = "a NUL byte"
                try:
                    text = raw.decode(line_codec, "replace" if nul_only else "strict")
                except UnicodeDecodeError as exc:
                    text = ""
                    if bad < 0 or exc.start < bad:
                        bad = exc.start
                        label = f"byte 0x{raw[bad]:02X}"
                if bad >= 0:
                    found.append(label)
                    # The sentinel stands where the bad byte was, so the row the csv module
                    # puts it in is the row that holds the bad byte.
                    prefix = raw[:bad].decode(line_codec, "replace")
                    yield from _LINE.findall(prefix + "\x01")
                    return
                yield from _LINE.findall(text)

    try:
        rows = sum(1 for _ in csv.reader(pieces(), delimiter=delimiter, strict=False))
    except (csv.Error, OSError, UnicodeDecodeError):
        return None
    return (rows, found[0]) if found else None


def _detect_delimiter(sample: str, *, complete: bool) -> str:
    """The candidate that splits the header in 2+ cells and most rows like the header."""
    best: tuple[float, int] | None = None
    chosen: str | None = None
    hollow: str | None = None
    for candidate in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate, strict=False)
        try:
            records = [r for r in itertools.islice(reader, _SNIFF_RECORDS + 1) if r]
        except csv.Error:
            continue
        if not complete and len(records) > 1:
            # The sample was cut at an arbitrary byte: its last row may be partial.
            records.pop()
        records = list(itertools.dropwhile(lambda r: not any(c.strip() for c in r), records))
        if not records:
            # Nothing but this character (";;;" lines): the reader will report an empty table.
            hollow = hollow or candidate
            continue
        if len(records[0]) < 2:
            continue
        width = len(records[0])
        score = (sum(len(r) == width for r in records) / len(records), width)
        if best is None or score > best:
            best, chosen = score, candidate
    if chosen is not None:
        return chosen
    if hollow is not None:
        return hollow
    # One column: use the candidate that appears least, so no cell gets split.
    return min(_DELIMITERS, key=sample.count)


def _read_header(
    reader: Iterator[list[str]], name: str, encoding: str, delimiter: str
) -> tuple[int, list[str]]:
    number = 0
    try:
        for number, row in enumerate(reader, 1):
            if any(cell.strip() for cell in row):
                return number, row
    except csv.Error as exc:
        raise _csv_error(exc, name, number + 1, delimiter) from None
    except UnicodeDecodeError:
        raise _decode_error_while_reading(name, encoding, delimiter, number + 1) from None
    except OSError as exc:
        raise _os_error(exc, name, number + 1) from None
    raise InputFileError(
        "the file holds no table: only blank lines, spaces or empty cells",
        file=name,
        hint=_HINT_EMPTY,
    )


def _text_rows(
    reader: Iterator[list[str]], info: TableInfo, closed: Callable[[], bool]
) -> Iterator[tuple[int, list[str]]]:
    width = len(info.header)
    first = info.header_row + 1
    number = info.header_row
    try:
        # The hot loop: one length test per row; everything else is on the rare path.
        for number, row in enumerate(reader, first):
            if len(row) == width:
                yield number, row
            elif row:
                yield number, _fit(row, width)
    except csv.Error as exc:
        raise _csv_error(exc, info.path, number + 1, info.delimiter or ",") from None
    except UnicodeDecodeError:
        # Only if the file changed since it was checked by open_table().
        raise _decode_error_while_reading(
            info.path, info.encoding, info.delimiter or ",", number + 1
        ) from None
    except OSError as exc:
        raise _os_error(exc, info.path, number + 1) from None
    except ValueError:
        if closed():
            return
        raise


def _fit(row: list[str], width: int) -> list[str]:
    if len(row) < width:
        row.extend([""] * (width - len(row)))
        return row
    end = len(row)
    while end > width and not row[end - 1]:
        end -= 1
    del row[end:]
    return row


def _csv_error(exc: csv.Error, name: str, row: int, delimiter: str) -> InputFileError:
    message = str(exc)
    hint = 'Check the quotes (") on that row, or export the file again from Excel'
    if "field larger than field limit" in message:
        what = (
            f"a cell is longer than {csv.field_size_limit():,} characters: most likely a "
            'quote (") opened on that row is never closed'
        )
    elif "unexpected end of data" in message:
        what = 'the file ends inside a quoted cell: a quote (") opened on that row is never closed'
    elif "expected after" in message:
        what = (
            f'malformed quotes: a closing quote (") is followed by text instead of the '
            f"delimiter {delimiter!r}"
        )
    else:
        what = f"cannot read the row as CSV ({message})"
    return InputFileError(what, file=name, row=row, hint=hint)


def _decode_error_while_reading(
    name: str, encoding: str, delimiter: str, row: int
) -> InputFileError:
    where = _locate_bad_byte(name, encoding, delimiter)
    found = where[1] if where else "a byte"
    return InputFileError(
        f"cannot decode {found} as {encoding} (the file changed while it was read?)",
        file=name,
        row=where[0] if where else row,
        hint="Pass --encoding cp1252 if the file is not UTF-8, and do not edit it during a run",
    )


# --------------------------------------------------------------------------------------------
# Excel workbooks


def _open_xlsx(name: str, sheet: str | None) -> TableReader:
    with _open_binary(name) as probe:
        head = probe.read(len(_OLE2_MAGIC))
    not_workbook = InputFileError(
        "the file has an Excel extension but is not a valid .xlsx workbook",
        file=name,
        hint="If it is a CSV export, rename it to .csv; if it is an old .xls, save it as .xlsx "
        "in Excel",
    )
    if not head.startswith(_ZIP_MAGIC):
        raise not_workbook
    digest = file_sha256(name)

    import openpyxl

    # Our own handle: the file is released at a known point (close(), or a failed load)
    # rather than whenever the garbage collector gets to openpyxl's zip archive.
    handle = _open_binary(name)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it drops; the cells are unaffected.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except OSError as exc:
        handle.close()
        raise _os_error(exc, name) from None
    except Exception as exc:  # openpyxl raises zip, XML, KeyError... for damaged workbooks
        handle.close()
        raise InputFileError(
            f"{not_workbook.what} ({type(exc).__name__}: {exc})",
            file=name,
            hint=str(not_workbook.hint),
        ) from None

    def close() -> None:
        try:
            workbook.close()
        finally:
            handle.close()

    try:
        return _xlsx_reader(workbook, name, sheet, digest, close)
    except BaseException:
        close()
        raise


def _xlsx_reader(
    workbook: Any, name: str, sheet: str | None, digest: str, close: Callable[[], None]
) -> TableReader:
    names = [str(n) for n in workbook.sheetnames]
    if sheet is None:
        worksheets = list(workbook.worksheets)
        if not worksheets:
            raise InputFileError("the workbook has no worksheet", file=name, hint=_HINT_EMPTY)
        worksheet = worksheets[0]
    else:
        match = next((n for n in names if n == sheet), None) or next(
            (n for n in names if normalize_header(n) == normalize_header(sheet)), None
        )
        if match is None or not hasattr(workbook[match], "iter_rows"):
            listed = ", ".join(repr(n) for n in names)
            raise InputFileError(
                f"no worksheet named {sheet!r}; the workbook has {listed}",
                file=name,
                hint="Pass --sheet with one of these names",
            )
        worksheet = workbook[match]
    title = str(worksheet.title)
    declared = worksheet.max_row
    total = declared if isinstance(declared, int) and declared > 0 else 0
    # Some generators write a wrong <dimension>; read-only mode would silently cut rows to it.
    worksheet.reset_dimensions()

    source = _xlsx_values(worksheet.iter_rows(values_only=True), name, title)
    found = next((r for r in source if any(cell.strip() for cell in r[1])), None)
    if found is None:
        raise InputFileError(f"the worksheet {title!r} holds no table", file=name, hint=_HINT_EMPTY)
    header_row, header = found
    while header and not header[-1].strip():
        # Formatted but empty cells at the right of the header are not columns.
        header.pop()

    info = TableInfo(
        path=name,
        encoding="xlsx",
        delimiter=None,
        header=tuple(header),
        sha256=digest,
        header_row=header_row,
    )
    position = {"row": header_row}

    def rows() -> Iterator[tuple[int, list[str]]]:
        width = len(header)
        for number, cells in source:
            position["row"] = number
            if len(cells) != width:
                cells = _fit(cells, width)
            yield number, cells

    def progress() -> float:
        return position["row"] / total if total else 0.0

    return TableReader(info, rows(), progress, close)


def _xlsx_values(
    rows: Iterator[tuple[object, ...]], name: str, sheet: str
) -> Iterator[tuple[int, list[str]]]:
    """Rows with at least one value, as text, with their Excel row number."""
    number = 0
    while True:
        try:
            with warnings.catch_warnings():
                # Rows are fetched in batches so the filter never covers the caller's code.
                warnings.simplefilter("ignore")
                batch = list(itertools.islice(rows, 1024))
        except Exception as exc:  # damaged XML inside the zip surfaces here
            raise InputFileError(
                f"the worksheet {sheet!r} is damaged ({type(exc).__name__}: {exc})",
                file=name,
                row=number + 1,
                hint="Open the file in Excel, save it again as .xlsx, and retry",
            ) from None
        if not batch:
            return
        for values in batch:
            number += 1
            cells = [_cell_text(v) for v in values]
            if any(cells):
                yield number, cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None and value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 (hex) of a file's bytes, read in 1 MB chunks."""
    name = os.fspath(path)
    _check_exists(name)
    digest = hashlib.sha256()
    try:
        with open(name, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise _os_error(exc, name) from None
    return digest.hexdigest()


def _check_exists(name: str) -> None:
    if not os.path.exists(name):
        raise InputFileError("file not found", file=name, hint="Check the path and the file name")
    if os.path.isdir(name):
        raise InputFileError(
            "this is a folder, not a file", file=name, hint="Give the path of the file itself"
        )
