"""Write result CSVs that Excel opens correctly and that cannot carry formula injection.

UTF-8 with BOM, ``;``-separated, CRLF; every cell neutralised (OWASP "CSV Injection"); each file
written as ``<path>.part`` and renamed when complete, with the SHA-256 of what was written.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
from collections.abc import Sequence
from types import TracebackType
from typing import Final

from suppression.errors import InvalidArgumentError, SuppressionError
from suppression.tabular import check_delimiter

__all__ = ["SafeCsvWriter", "neutralize_cell"]


_FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: str) -> str:
    """Defuse CSV injection (OWASP): a cell whose first character is ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading single quote ``'``, so spreadsheets show it as
    text instead of running it as a formula: ``+33612345678`` is written ``'+33612345678`` and
    ``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``. Any other cell is unchanged."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


_FORMULA_FIRST: Final = frozenset(_FORMULA_TRIGGERS)
FORMULA_FIRST: Final = _FORMULA_FIRST  # for callers that neutralise cells as they build rows


class _HashingSink:
    """What csv.writer writes to: collects text, then encodes, hashes and writes it in blocks
    (per-row encoding and hashing cost more than the csv module itself)."""

    BLOCK = 512
    LARGE = 65_536  # a whole batch of rows written at once goes out at once

    def __init__(self, handle: io.BufferedWriter, name: str) -> None:
        self.handle = handle
        self.name = name
        self.digest = hashlib.sha256()
        self.pending: list[str] = []

    def write(self, text: str) -> int:
        self.pending.append(text)
        if len(self.pending) >= self.BLOCK or len(text) >= self.LARGE:
            self.flush()
        return len(text)

    def flush(self) -> None:
        try:
            data = "".join(self.pending).encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgumentError(
                "a cell holds text that cannot be written as UTF-8 (a lone surrogate)",
                file=self.name,
            ) from None
        self.pending.clear()
        self.digest.update(data)
        self.handle.write(data)


class SafeCsvWriter:
    """Write a result CSV that Excel opens correctly and cannot be used for formula injection.

    Format: UTF-8 **with** BOM (without it Excel reads UTF-8 as cp1252 and garbles accents;
    other readers should use ``utf-8-sig``), ``;`` delimiter by default (Excel's list separator
    in France, so columns split on double-click), CRLF line ends, quotes only where needed.
    Every cell, header included, goes through :func:`neutralize_cell`. Rows may be longer or
    shorter than the header; they are written as given.

    The file is written as ``<path>.part`` and renamed on :meth:`close`, so a crash never leaves
    a truncated result that looks complete; leaving a ``with`` block on an exception deletes it.
    ``close()`` returns the SHA-256 of the bytes written; ``rows`` counts data rows.
    """

    def __init__(
        self, path: str | os.PathLike[str], header: Sequence[str], *, delimiter: str = ";"
    ) -> None:
        self.path = os.fspath(path)
        self.rows = 0
        self._part = self.path + ".part"
        self._sha256: str | None = None
        self._finished = False
        delim = check_delimiter(delimiter)
        try:
            handle = open(self._part, "wb")  # noqa: SIM115 - closed by close()/__exit__
        except OSError as exc:
            raise _write_error(exc, self.path) from None
        self._sink = _HashingSink(handle, self.path)
        self._delimiter = self.delimiter = delim
        self._after_delimiter = tuple(delim + trigger for trigger in _FORMULA_TRIGGERS)
        self._one_row = io.StringIO()  # the rows that need quoting, one at a time
        # Same line end as the file's: the csv module quotes a cell holding one of its characters.
        self._row_writer = csv.writer(self._one_row, delimiter=delim, lineterminator="\r\n")
        try:
            self._sink.write("\ufeff")
            self.write(header)
        except BaseException:
            self.discard()
            raise
        self.rows = 0

    def write(self, row: Sequence[str]) -> None:
        """Write one row, neutralising every cell."""
        self.write_many([row])

    def write_many(self, rows: Sequence[Sequence[str]]) -> None:
        """Write rows, neutralising every cell: ``write`` for each, with less overhead."""
        # neutralize_cell, inlined: this runs for every cell of millions of rows.
        first = _FORMULA_FIRST
        self._write_lines(
            [["'" + cell if cell[:1] in first else cell for cell in row] for row in rows]
        )

    def plain_line(self, cells: Sequence[str]) -> str | None:
        """The line of ``cells`` when none of them needs neutralising nor quoting (their join
        by the delimiter, without line end), else None. Such a line may be extended with more
        such cells and handed to ``write_neutralised``."""
        delimiter = self._delimiter
        line = delimiter.join(cells)
        if (
            len(cells) < 2  # the csv module quotes a lone empty cell
            or line.count(delimiter) != len(cells) - 1  # a cell holds the delimiter
            or line[:1] in _FORMULA_FIRST
            or '"' in line
            or "\n" in line
            or "\r" in line
        ):
            return None
        # Every delimiter is a cell boundary: a cell starts with a trigger only after one.
        for after in self._after_delimiter:
            if after in line:
                return None
        return line

    def write_neutralised(self, rows: Sequence[Sequence[str] | str]) -> None:
        """Write rows whose every cell already went through :func:`neutralize_cell` (the
        caller built them so, in the same pass that made them), or lines from ``plain_line``:
        ``write_many`` without checking the cells a second time."""
        self._write_lines(rows)

    def _write_lines(self, rows: Sequence[Sequence[str] | str]) -> None:
        """Write ``rows`` as they are, in one piece. A row none of whose cells needs quoting
        (no delimiter, quote or line break; two cells or more) is its cells joined by the
        delimiter, exactly what the csv module writes for it, three times faster; any other
        row goes through the csv module."""
        if self._finished:
            raise InvalidArgumentError(
                "cannot write a row after the file was closed", file=self.path
            )
        delimiter, lines = self._delimiter, []
        for row in rows:
            if row.__class__ is str:  # a plain line already
                lines.append(row)
                continue
            line = delimiter.join(row)
            if (
                line.count(delimiter) == len(row) - 1 > 0
                and '"' not in line
                and "\n" not in line
                and "\r" not in line
            ):
                lines.append(line)
            else:
                self._one_row.seek(0)
                self._one_row.truncate()
                self._row_writer.writerow(row)
                lines.append(self._one_row.getvalue()[:-2])
        try:
            if lines:
                self._sink.write("\r\n".join(lines) + "\r\n")
        except OSError as exc:
            raise _write_error(exc, self.path) from None
        self.rows += len(rows)

    def close(self) -> str:
        """Finish the file (rename ``.part`` to the final name); return its SHA-256 hex."""
        if self._sha256 is None:
            if self._finished:
                raise InvalidArgumentError("the file was discarded", file=self.path)
            self._finished = True
            try:
                self._sink.flush()
                self._sink.handle.close()
                os.replace(self._part, self.path)
            except OSError as exc:
                raise _write_error(exc, self.path) from None
            self._sha256 = self._sink.digest.hexdigest()
        return self._sha256

    def discard(self) -> None:
        """Abandon the file: nothing is left at ``path`` (nor the ``.part``)."""
        if not self._finished:
            self._finished = True
            self._sink.handle.close()
            with contextlib.suppress(FileNotFoundError):
                os.remove(self._part)

    def __enter__(self) -> SafeCsvWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def _write_error(exc: OSError, name: str) -> SuppressionError:
    return SuppressionError(
        f"cannot write the file: {exc.strerror or exc}",
        file=name,
        hint="Check the output folder exists, is writable and the disk is not full",
    )
