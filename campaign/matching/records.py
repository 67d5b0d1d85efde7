"""What the matcher reads of a contact, computed once per record.

``ContactRecord`` is a contact as the caller hands it over; ``record_features`` turns it into
``Features``, everything the comparisons and the blocks need:

* names read straight and swapped (a single name cell with several words is a full name), with
  the phonetic codes of the last names; the company normalised, words sorted; postcode,
  department and town;
* SIREN: the first 9 digits of a 9-digit SIREN or a 14-digit SIRET; other lengths and all zeros
  are ignored;
* e-mail, stripped and case-folded: a role mailbox (``contact@``, ``accueil@``...) is a company
  key like the numbers and the SIREN, any other address a personal key;
* from ``extra``: the date of birth (``date_of_birth``, ``birth_date``, ``dob`` or
  ``date_naissance``; 01/12/1980 = 1980-12-01), address lines (``address``, ``address_1``,
  ``address_2``, ``street``, ``adresse``...), the street number (``street_number``,
  ``house_number``, ``numero``) and ``state`` or ``region``.

Two full dates of birth (8 digits) one digit wrong, two adjacent digits transposed, or day and
month swapped are one date with a typo; shorter dates (a year) must be equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import OSA

from campaign.matching.names import (
    PersonTokens,
    normalize_city,
    normalize_company,
    normalize_name,
    normalize_postcode,
    person_tokens,
    phonetic,
    split_full_name,
)


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One contact as the matcher sees it; ``numbers`` are E.164, ``siren`` a SIREN or SIRET."""

    id: int
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    numbers: tuple[str, ...] = ()
    email: str = ""
    siren: str = ""
    postcode: str = ""
    city: str = ""
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """Records ``a`` < ``b`` are one prospect: shared exact ``keys`` or a fuzzy ``score``."""

    a: int
    b: int
    keys: tuple[str, ...]
    score: float
    detail: tuple[tuple[str, float], ...]


ROLE_MAILBOXES: Final = frozenset(
    {"contact", "contacts", "info", "infos", "information", "accueil", "secretariat", "direction"}
    | {"commercial", "compta", "comptabilite", "admin", "administration", "bonjour", "hello"}
    | {"office", "sales", "devis", "rh", "service", "serviceclient", "sav", "standard", "reception"}
)

BIRTH_KEYS: Final = frozenset({"date_of_birth", "birth_date", "dob", "date_naissance"})
STREET_KEYS: Final = frozenset(
    {"address", "address_1", "address_2", "address1", "address2", "street", "adresse"}
    | {"adresse_1", "adresse_2", "adresse1", "adresse2", "complement_adresse"}
)

STREET_NUMBER_KEYS: Final = frozenset({"street_number", "house_number", "numero", "numero_voie"})
REGION_KEYS: Final = frozenset({"state", "region", "province", "county"})


def _date(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    # 01/12/1980 and 1980-12-01 are one date.
    if len(digits) == 8 and not digits.startswith(("19", "20")):
        return digits[4:] + digits[2:4] + digits[:2]
    return digits


def one_edit(a: str, b: str) -> bool:
    """Equal, or one typo apart: one character wrong or two adjacent characters transposed."""
    # Of equal lengths, an optimal string alignment distance of 1 is one of those two typos.
    return len(a) == len(b) and OSA.distance(a, b, score_cutoff=1) <= 1


def dates_differ(a: str, b: str) -> bool:
    """Two known dates of birth that are clearly different, not one typo apart.

    Full dates (8 digits) one edit apart agree: one digit wrong (19800112/19800172), two adjacent
    digits transposed (19800112/19801012), or day and month swapped (19800112/19801201). Shorter
    dates (a year) must be equal.
    """
    if not a or not b or a == b:
        return False
    if len(a) != 8 or len(b) != 8:
        return True
    if one_edit(a, b):
        return False
    return not (a[:4] == b[:4] and a[4:6] == b[6:] and a[6:] == b[4:6])


def _siren(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) not in (9, 14) or not digits.strip("0"):
        return ""
    return digits[:9]


@dataclass(frozen=True, slots=True)
class Features:
    """What the comparisons and the blocks need of one record, computed once."""

    index: int
    id: int
    person: PersonTokens
    swapped: PersonTokens
    has_person: bool
    last_code: str
    swapped_code: str
    company: str
    postcode: str
    department: str
    city: str
    places: tuple[str, ...]
    siren: str
    birth: str
    streets: tuple[str, ...]
    street_number: str
    region: str
    has_evidence: bool  # a date of birth or a street address: what tells namesakes apart
    personal_keys: tuple[str, ...]
    company_keys: tuple[str, ...]


class Memo:
    """Per-call caches: files repeat the same names, companies and towns thousands of times."""

    def __init__(self) -> None:
        self.persons: dict[tuple[str, str], tuple[PersonTokens, PersonTokens, str, str]] = {}
        self.companies: dict[str, str] = {}
        self.cities: dict[str, str] = {}

    def person(self, first: str, last: str) -> tuple[PersonTokens, PersonTokens, str, str]:
        """The name read straight and swapped, and the phonetic codes of their last names."""
        key = (first, last)
        found = self.persons.get(key)
        if found is None:
            # A single name cell with several words is a full name ("DUPONT Jean").
            if not first.strip() and len(last.split()) > 1:
                first, last = split_full_name(last)
            elif not last.strip() and first.strip():
                first, last = split_full_name(first)
            person, swapped = person_tokens(first, last), person_tokens(last, first)
            found = (person, swapped, phonetic(person.last), phonetic(swapped.last))
            self.persons[key] = found
        return found

    def company(self, text: str) -> str:
        found = self.companies.get(text)
        if found is None:
            found = self.companies[text] = " ".join(sorted(normalize_company(text).split()))
        return found

    def city(self, text: str) -> str:
        found = self.cities.get(text)
        if found is None:
            found = self.cities[text] = normalize_city(text)
        return found


def is_role_mailbox(email: str) -> bool:
    """Whether a casefolded address is a company's (``contact@``, ``accueil@``, ``info@``...)."""
    return re.sub(r"[._-]", "", email.split("@")[0]) in ROLE_MAILBOXES


def record_features(index: int, record: ContactRecord, memo: Memo) -> Features:
    person, swapped, last_code, swapped_code = memo.person(record.first_name, record.last_name)
    company = memo.company(record.company)
    postcode = normalize_postcode(record.postcode)
    department = ""
    if len(postcode) == 5:
        department = postcode[:3] if postcode.startswith(("97", "98")) else postcode[:2]
    city = memo.city(record.city)
    places = tuple(p for p in (department and f"d{department}", city and f"c{city}") if p)
    email = record.email.strip().casefold()
    email_key = f"email:{email}" if "@" in email else ""
    siren = _siren(record.siren)
    company_keys = {f"phone:{n.strip()}" for n in record.numbers if n.strip()}
    if siren:
        company_keys.add(f"siren:{siren}")
    personal_keys = []
    if email_key and is_role_mailbox(email):
        company_keys.add(email_key)
    elif email_key:
        personal_keys.append(email_key)
    birth = street_number = region = ""
    streets: list[str] = []
    for name, value in record.extra:
        key = name.casefold()
        if key in BIRTH_KEYS and value and not birth:
            birth = _date(value)
        elif key in STREET_KEYS:
            # "richards s treet" and "richardsstreet" are one street badly typed.
            line = normalize_name(value).replace(" ", "")
            if line and line not in streets:
                streets.append(line)
        elif key in STREET_NUMBER_KEYS and not street_number:
            street_number = normalize_name(value).replace(" ", "")
        elif key in REGION_KEYS and not region:
            region = normalize_name(value)
    return Features(
        index=index,
        id=record.id,
        person=person,
        swapped=swapped,
        has_person=bool(person.last or person.first),
        last_code=last_code,
        swapped_code=swapped_code,
        company=company,
        postcode=postcode,
        department=department,
        city=city,
        places=places,
        siren=siren,
        birth=birth,
        streets=tuple(streets),
        street_number=street_number,
        region=region,
        has_evidence=bool(birth or streets),
        personal_keys=tuple(personal_keys),
        company_keys=tuple(sorted(company_keys)),
    )


def detail(scores: dict[str, float]) -> tuple[tuple[str, float], ...]:
    """Field scores rounded to 0.1 and sorted by field: what ``Link.detail`` holds."""
    return tuple(sorted((field, round(score, 1)) for field, score in scores.items()))
