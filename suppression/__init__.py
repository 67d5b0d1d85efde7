"""suppression: phone numbers, opposition lists, opt-outs and screening. Stands alone.

from suppression import normalize, import_list, screen_file
"""

from __future__ import annotations

from suppression.lists import import_list, list_statuses
from suppression.optouts import add_optouts, import_optouts, remove_optouts
from suppression.phone import PhoneNumber, Rejection, normalize, to_e164
from suppression.screening import screen_file

__all__ = [
    "PhoneNumber",
    "Rejection",
    "add_optouts",
    "import_list",
    "import_optouts",
    "list_statuses",
    "normalize",
    "remove_optouts",
    "screen_file",
    "to_e164",
]
