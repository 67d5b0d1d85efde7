"""Exceptions raised by the campaign package.

They share the base of ``suppression.errors`` so the CLI converts every library error in one
place into ``Error: <what> (<where>). <what to do>``.

    SuppressionError            (suppression.errors)
    └── CampaignError           any refusal or failure of the campaign package
        ├── DatabaseError       the database cannot be opened, created or reached
        ├── NotFoundError       a campaign, merge or contact that does not exist
        ├── ConflictError       something that already exists or was already done
        └── MappingError        a file's columns cannot be mapped onto contact fields
"""

from __future__ import annotations

from suppression.errors import SuppressionError


class CampaignError(SuppressionError):
    """Base class of the campaign package's errors."""


class DatabaseError(CampaignError):
    """The database cannot be opened, created or reached."""


class NotFoundError(CampaignError):
    """A campaign, merge or contact that does not exist."""


class ConflictError(CampaignError):
    """Something that already exists, or was already done."""


class MappingError(CampaignError):
    """A file's columns cannot be mapped onto contact fields."""
