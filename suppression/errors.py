"""Exceptions raised by the suppression library.

Every error carries what went wrong, where (file, row, column when known) and what to do;
the CLI prints ``Error: <what> (<where>). <hint>`` and exits 1. Library code never prints.

    SuppressionError               any refusal or failure of this library
    ├── InputFileError             a file cannot be read: missing, empty, binary, undecodable
    │   └── ColumnNotFoundError    no column holds the phone numbers
    ├── ListFileError              an opposition or opt-out file has no usable line
    ├── UnknownListError           a list name that was never imported
    ├── StaleListError             a list is older than its maximum age (fail closed)
    └── InvalidArgumentError       an option value the library cannot use
"""

from __future__ import annotations


class SuppressionError(Exception):
    """Base class: a message the user can act on."""

    def __init__(
        self,
        what: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.what = what
        self.file = file
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(str(self))

    @property
    def where(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"file {self.file}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.what
        if self.where:
            text += f" ({self.where})"
        if self.hint:
            text += f". {self.hint[0].upper()}{self.hint[1:]}"
        return text


class InputFileError(SuppressionError):
    """A file cannot be read as the table or list it should be."""


class ColumnNotFoundError(InputFileError):
    """No column of the file holds phone numbers."""


class ListFileError(SuppressionError):
    """An opposition or opt-out list file holds no usable line."""


class UnknownListError(SuppressionError):
    """A list name that was never imported."""


class StaleListError(SuppressionError):
    """A list is older than its maximum age: screening refuses rather than guess."""


class InvalidArgumentError(SuppressionError):
    """An option value the library cannot use."""
