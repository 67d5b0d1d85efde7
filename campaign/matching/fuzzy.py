"""The fuzzy link: person names, place and company agreeing.

Field scores, 0..100, from rapidfuzz's ``ratio`` (normalised Indel similarity):

* person: see ``names``;
* company = ratio of the normalised company names, words sorted, legal forms removed. Whether two
  companies conflict is decided on their trades: the names without the surnames of either record
  and without family words (et, fils, frères, cie, associés, père), so that ``Plomberie Martin``
  and ``Martin Peinture`` conflict (47) although their full names score 71. A name left with
  nothing (``Martin et Fils``, ``SARL Gautier``) is named after the person;
* place = 100 for the same postcode; with two different postcodes, 80 for the same city (another
  district, a Cedex), else 0; without two postcodes, 100 for the same city, the ratio of the
  cities when at least 90, else 0; unknown when the two records have no place field in common.

Fuzzy link, both records with a person name:

    score = 0.7 * person + 0.3 * mean(place, company: those known on both records)

when person >= 75, place >= 90, the trades >= 50 (or one company's words within the other's).
A place of 80 or unknown, or a missing first name, needs company >= 90 instead, and a company
named after one of the surnames (``SARL Gautier``, ``Gautier et Fils`` for M. Gautier) does not
count: a surname alone, or a town with several postcodes, does not single out a person. A full
date of birth (8 digits) on both records, within one typo, stands in for that company, and the
very same date lifts the place veto (place below 80). Both records without a person name:
score = 0.7 * company + 0.3 * place, with company >= 90 and place >= 90. A record with a person
name and one without link only by an exact key. Different SIRENs (more than one typo apart: one
digit wrong or two adjacent digits transposed), or different dates of birth, forbid a fuzzy link.
A fuzzy link needs a place or a company known on both records. The score is rounded to 0.1, then
compared with the threshold.

``persons_disagree`` is the exception to the exact company keys (numbers, SIREN, role mailboxes):
two records whose person names clearly disagree (person score below 60) or whose dates of birth
differ are two people, unless the same full date of birth says they are one.
"""

from __future__ import annotations

from typing import Final

from rapidfuzz.fuzz import ratio

from campaign.matching.names import FAMILY_WORDS, PARTICLES, person_pair
from campaign.matching.records import Features, Link, dates_differ, detail, one_edit

PERSON_MATCH: Final = 75.0
PERSON_CONFLICT: Final = 60.0
PLACE_AGREES: Final = 80.0
PLACE_MATCH: Final = 90.0
COMPANY_MATCH: Final = 90.0
COMPANY_CONFLICT: Final = 50.0
_NOT_TRADE: Final = PARTICLES | FAMILY_WORDS


def _place_score(a: Features, b: Features) -> float | None:
    if a.postcode and b.postcode:
        if a.postcode == b.postcode:
            return 100.0
        return 80.0 if a.city and a.city == b.city else 0.0
    if a.city and b.city:
        if a.city == b.city:
            return 100.0
        score = ratio(a.city, b.city)
        return score if score >= 90.0 else 0.0
    return None


def pair_person_score(a: Features, b: Features) -> float:
    return person_pair(a.person, a.swapped, b.person, b.swapped)


def field_scores(a: Features, b: Features) -> dict[str, float]:
    scores: dict[str, float] = {}
    if a.has_person and b.has_person:
        scores["person"] = pair_person_score(a, b)
    if a.company and b.company:
        scores["company"] = ratio(a.company, b.company)
    place = _place_score(a, b)
    if place is not None:
        scores["place"] = place
    return scores


def company_within(a: Features, b: Features) -> bool:
    # "Meyer" and "Immobilier Meyer" are one company written short and long, not two companies.
    words_a, words_b = set(a.company.split()), set(b.company.split())
    return words_a <= words_b or words_b <= words_a


def _trades(a: Features, b: Features) -> tuple[str, str]:
    """The two company names without the surnames and family words: what each firm does.

    "Plomberie Martin" and "Martin Peinture" share only the surname, which the names compare
    already: "plomberie" and "peinture" are two firms. "Martin et Fils" does not say what it does.
    """
    surnames = {a.person.last, a.swapped.last, b.person.last, b.swapped.last}

    def trade(company: str) -> str:
        return " ".join(w for w in company.split() if w not in surnames and w not in _NOT_TRADE)

    return trade(a.company), trade(b.company)


def companies_conflict(a: Features, b: Features, company: float) -> bool:
    if company_within(a, b):
        return False
    trade_a, trade_b = _trades(a, b)
    if trade_a and trade_b:
        words_a, words_b = set(trade_a.split()), set(trade_b.split())
        if words_a <= words_b or words_b <= words_a:
            return False
        return ratio(trade_a, trade_b) < COMPANY_CONFLICT
    return company < COMPANY_CONFLICT


def _eponymous(a: Features, b: Features) -> bool:
    # "SARL Gautier" or "Gautier et Fils" for M. Gautier repeats the surname: no evidence beside
    # the last names.
    return not all(_trades(a, b))


def _fuzzy_scores(a: Features, b: Features) -> tuple[float, dict[str, float]] | None:
    """The score and the field scores behind it, or None when a gate or a veto refuses."""
    if (a.siren and b.siren and not one_edit(a.siren, b.siren)) or dates_differ(a.birth, b.birth):
        return None
    if a.has_person != b.has_person:
        return None
    # A full date of birth on both records, within one typo, singles out a person.
    born = len(a.birth) == 8 and len(b.birth) == 8
    place = _place_score(a, b)
    if place is not None and place < PLACE_AGREES and not (born and a.birth == b.birth):
        return None
    company = ratio(a.company, b.company) if a.company and b.company else None
    scores: dict[str, float] = {}
    if place is not None:
        scores["place"] = place
    if company is not None:
        scores["company"] = company
    if not a.has_person:
        if company is None or company < COMPANY_MATCH or place is None or place < PLACE_MATCH:
            return None
        return 0.7 * company + 0.3 * place, scores
    if company is not None and companies_conflict(a, b, company):
        return None
    person = scores["person"] = pair_person_score(a, b)
    if person < PERSON_MATCH:
        return None
    # A surname alone, or a town with several postcodes, does not single out a person.
    weak = place is None or place < PLACE_MATCH or not (a.person.first and b.person.first)
    if weak and not born and (company is None or company < COMPANY_MATCH or _eponymous(a, b)):
        return None
    context = [score for field, score in scores.items() if field != "person"]
    if not context:
        # Names and a date of birth alone: the evidence (``evidence``) decides.
        return None
    return 0.7 * person + 0.3 * sum(context) / len(context), scores


def fuzzy_link(a: Features, b: Features, threshold: float) -> Link | None:
    found = _fuzzy_scores(a, b)
    if found is None:
        return None
    score = round(found[0], 1)
    return Link(a.id, b.id, (), score, detail(found[1])) if score >= threshold else None


def _names_conflict(a: Features, b: Features) -> bool:
    return a.has_person and b.has_person and pair_person_score(a, b) < PERSON_CONFLICT


def persons_disagree(a: Features, b: Features) -> bool:
    """Whether two records sharing a company key (number, role mailbox, SIREN) are two people."""
    dates_known = bool(a.birth and b.birth)
    if len(a.birth) == len(b.birth) == 8 and not dates_differ(a.birth, b.birth):
        # One full date of birth (within one typo): one person, whatever the names. One year
        # of birth is shared by too many colleagues to say so.
        return False
    # Two clearly different dates of birth are two people even on one SIREN: a father and his
    # son of the same name in the family firm must not be merged.
    return dates_known or _names_conflict(a, b)
