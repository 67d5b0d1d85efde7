"""Evidence: the weight, in bits, of every field two records both know.

A pair the other rules refuse (two SIRENs, another date, a married name, a garbled postcode...)
may still link when both records carry a date of birth or a street address (see ``records`` for
the ``extra`` keys read). Every field known on both records adds its weight in bits, set by hand,
roughly log2 of how much likelier the agreement is for one person than for two (Fellegi-Sunter
without training); a field missing on either side weighs nothing:

    last name (ratio >= 90 / >= 75 / less, best reading, swaps too)    +7 / +3 / -4
    first name (as above, >= 90 / >= 70 / less)                        +5 / +2 / -3
    date of birth: the same full date / within one typo / other        +10 / +6 / -8 (a year +2)
    SIREN: the same / one typo / other                                  +6 / +4 / -3
    the same SIREN, no company named on either record (a person's own)  +10
    address lines found in the other record (ratio >= 85, any order)   +5 each, two at most / -2
    street number, the same / other                                     +3 / -1
    postcode: the same / one typo / other                               +4 / +1 / -2
    town (ratio >= 85) / other; region / other                          +3 / -1; +1 / -1
    company >= 90 / trades in conflict (see ``fuzzy``)                  +3 / -2

A name of 4 letters or more one typo from the other counts as agreeing (ratio 100): a last name
with one letter wrong or two adjacent letters swapped (Matthews/Mattehws, Osfield/Osfoeld), a
first name with two adjacent letters swapped only (Whtie/White, Kiar/Kira), since first names one
letter apart are often two names (Marie/Mario, Anne/Anna). ``ratio`` counts a swap as two edits,
so a short name typed with a swap fell to the middle band.

score = 100 / (1 + 2 ** (19.5 - bits)): the threshold 85 needs 22 bits, as much as a full name and
a full date of birth together (so the same name and date in two towns, 19 bits, stay two, as with
the fuzzy rule). Rules first: both records with a person name and a last name; Jean/Jeanne never;
without the full name agreeing (both parts positive), the date of birth must agree, since an
address or a firm is shared by a household or by colleagues (Jean and Marie Dupont at one address
stay two), unless the records share a person's own SIREN, the last name and the home (an address
line agreeing); another date of birth is outvoted only at one home (no company on either record: a
firm's address would not do) by the full name or by that own SIREN and last name. A SIREN on two
records that name no company is read as a person's own, since an entrepreneur individuel (the
micro-entrepreneurs included, most French firms) is the only holder of theirs, and a company's
SIREN comes with its name. The price: a father and his son of one name, at one home, without a
company, whose other fields agree, are merged; so are two people of one surname at one address
under one SIREN when no record names the company (a couple, one of them the entrepreneur; or a
family firm's file whose company column was not mapped).
"""

from __future__ import annotations

import math
from typing import Final

from rapidfuzz.fuzz import ratio

from campaign.matching.fuzzy import COMPANY_MATCH, companies_conflict
from campaign.matching.names import PersonTokens, first_score, gendered
from campaign.matching.records import Features, Link, dates_differ, detail, one_edit

EVIDENCE_PRIOR: Final = 19.5


def _name_weights(a: PersonTokens, b: PersonTokens) -> tuple[float, float] | None:
    """Evidence of the last and the first names read this way round.

    None when this reading cannot stand: a last name missing on either side, or a known first
    name beside its feminine form (Jean/Jeanne are two people).
    """
    if not a.last or not b.last:
        return None
    last = max(ratio(a.last, b.last), ratio(a.last_with_particles, b.last_with_particles))
    if len(a.last) >= 4 and one_edit(a.last, b.last):
        last = 100.0  # one typo: Matthews/Mattehws, Osfield/Osfoeld
    last_weight = 7.0 if last >= 90.0 else 3.0 if last >= 75.0 else -4.0
    if not a.first or not b.first:
        return last_weight, 0.0
    first = first_score(a.first, b.first)
    if _transposed("".join(a.first), "".join(b.first)):
        first = 100.0  # Whtie/White, Kiar/Kira; not one letter wrong: Marie/Mario
    return last_weight, 5.0 if first >= 90.0 else 2.0 if first >= 70.0 else -3.0


def _transposed(a: str, b: str) -> bool:
    """Two adjacent letters swapped, in words of 4 letters or more."""
    return len(a) >= 4 and a != b and one_edit(a, b) and sorted(a) == sorted(b)


def _street_weight(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    # Each line of the shorter address found in the other, in any order (line 1 and 2 swapped).
    if len(a) > len(b):
        a, b = b, a
    found = min(2, sum(max(ratio(x, y) for y in b) >= 85.0 for x in a))
    return 5.0 * found if found else -2.0


# The most a field can weigh when it agrees, for giving up early on a pair that cannot link.
_MOST: Final = {"names": 12.0, "street": 10.0, "city": 3.0, "company": 3.0}


def _evidence(
    a: Features, b: Features, at_least: float = -math.inf
) -> tuple[float, dict[str, float]] | None:
    """The weights, in bits, of every field known on both records; None when a rule forbids or
    when the sum cannot reach ``at_least``. See the module docstring."""
    if not (a.has_person and b.has_person):
        return None
    weights: dict[str, float] = {}
    if a.birth and b.birth:
        if a.birth == b.birth:
            weights["birth"] = 10.0 if len(a.birth) == 8 else 2.0
        elif dates_differ(a.birth, b.birth):
            # Another date of birth is outvoted only by the full name at one home (below).
            if a.company or b.company or not (a.streets and b.streets):
                return None
            weights["birth"] = -8.0
        else:
            weights["birth"] = 6.0
    # A SIREN shared by two records that name no company is a person's own: an entrepreneur
    # individuel (micro-entrepreneurs too, most French firms) is the only one to hold theirs.
    own_siren = bool(a.siren) and a.siren == b.siren and not (a.company or b.company)
    if a.siren and b.siren:
        same_siren = a.siren == b.siren
        near = one_edit(a.siren, b.siren)
        weights["siren"] = 10.0 if own_siren else 6.0 if same_siren else 4.0 if near else -3.0
    if a.street_number and b.street_number:
        weights["street_number"] = 3.0 if a.street_number == b.street_number else -1.0
    if a.postcode and b.postcode:
        same_postcode = a.postcode == b.postcode
        near = one_edit(a.postcode, b.postcode)
        weights["postcode"] = 4.0 if same_postcode else 1.0 if near else -2.0
    if a.region and b.region:
        weights["region"] = 1.0 if a.region == b.region else -1.0
    most = _MOST["names"] + sum(
        _MOST[field]
        for field, known in (
            ("street", a.streets and b.streets),
            ("city", a.city and b.city),
            ("company", a.company and b.company),
        )
        if known
    )
    if sum(weights.values()) + most < at_least:
        return None
    if gendered("".join(a.person.first), "".join(b.person.first)):
        return None
    readings = ((a.person, b.person), (a.swapped, b.person), (a.person, b.swapped))
    names = [w for x, y in readings if (w := _name_weights(x, y)) is not None]
    if not names:
        return None
    weights["last_name"], weights["first_name"] = max(names, key=lambda w: (sum(w), w))
    full_name = weights["last_name"] > 0.0 and weights["first_name"] > 0.0
    birth = weights.get("birth", 0.0)
    # An address or a firm is shared by a household or by colleagues: without the full name,
    # only the date of birth singles out one of them, or the person's own SIREN with one of the
    # names, at one home (below).
    own_siren = own_siren and weights["last_name"] > 0.0
    if not full_name and birth < 6.0 and not own_siren:
        return None
    if sum(weights.values()) + most - _MOST["names"] < at_least:
        return None
    if a.streets and b.streets:
        weights["street"] = _street_weight(a.streets, b.streets)
    at_home = weights.get("street", 0.0) > 0.0
    if not (full_name or birth >= 6.0 or at_home):
        return None
    # Another date of birth is outvoted only at one home, by the full name or the own SIREN.
    if birth < 0.0 and not ((full_name or own_siren) and at_home):
        return None
    if a.city and b.city:
        weights["city"] = 3.0 if a.city == b.city or ratio(a.city, b.city) >= 85.0 else -1.0
    if a.company and b.company:
        company = ratio(a.company, b.company)
        if company >= COMPANY_MATCH:
            weights["company"] = 3.0
        elif companies_conflict(a, b, company):
            weights["company"] = -2.0
    return sum(weights.values()), weights


def _evidence_bits(threshold: float) -> float:
    """The fewest bits whose score, rounded to 0.1, reaches ``threshold``."""
    low, high = threshold - 0.05, 100.0 - threshold + 0.05
    if low <= 0.0:
        return -math.inf
    return EVIDENCE_PRIOR + math.log2(low / high) - 1e-9


def evidence_link(a: Features, b: Features, threshold: float) -> Link | None:
    found = _evidence(a, b, _evidence_bits(threshold))
    if found is None:
        return None
    # The weight of evidence as a probability, against the prior odds of two records being one.
    score = round(100.0 / (1.0 + 2.0 ** (EVIDENCE_PRIOR - found[0])), 1)
    return Link(a.id, b.id, (), score, detail(found[1])) if score >= threshold else None
