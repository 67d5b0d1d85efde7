"""Blocking: which pairs of records are compared at all, so that the cost grows about linearly.

Two records are compared only when they share a block, never all pairs. Blocks (the exact keys
make their own, in ``find_links``): (phonetic code of either name cell, initial of the other cell,
department or city), so that swapped names meet; (first three or last three letters of the last
name, first initial, department or city), for typos the code does not absorb (Garcia/Garcai);
(code of the last name, company), for records without a place; (code of any word of the company,
department or city) for records without a person name; for records with a date of birth or an
address, (full date of birth, first letter of either name's code), (full date of birth,
department or city), so that a married name without a first name meets its maiden name, and each
half of the SIREN (first five, last five digits). A block of more than 40 records is sorted (by
name, or by company) and each record compared with the next 8 only: 3,000 "Jean Martin, 75001"
cost 24,000 comparisons a blocking instead of 4.5 million, and still chain into one cluster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import combinations
from typing import Final

from campaign.matching.names import PARTICLES, phonetic
from campaign.matching.records import Features

MAX_BLOCK: Final = 40
WINDOW: Final = 8


def _blocks_by(
    features: list[Features], keys: Callable[[Features], Iterator[str]]
) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for feature in features:
        for key in set(keys(feature)):  # a "Jean Jean" must not meet itself
            blocks[key].append(feature.index)
    return blocks


def _swapped_name_keys(f: Features) -> Iterator[str]:
    # Each name field's code with the other field's initial, both ways round: "Jean DUPONT" and
    # first name "Dupont", last name "J." share "dpn|j".
    for code, person in ((f.last_code, f.person), (f.swapped_code, f.swapped)):
        if code and person.first:
            for place in f.places:
                yield f"{code}|{person.first[0][0]}|{place}"


def _spelling_keys(f: Features) -> Iterator[str]:
    # Typos the phonetic code does not absorb (Garcia/Garcai) keep the start or the end right.
    last = f.person.last
    if len(last) >= 3 and f.person.first:
        initial = f.person.first[0][0]
        for place in f.places:
            yield f"<{last[:3]}|{initial}|{place}"
            yield f">{last[-3:]}|{initial}|{place}"


def _company_name_keys(f: Features) -> Iterator[str]:
    if f.last_code and f.company:
        yield f"{f.last_code}|{f.company}"


def _company_keys(f: Features) -> Iterator[str]:
    # Each word of the name, so that a typo in one word does not hide the company.
    if not f.has_person:
        for word in f.company.split():
            if len(word) > 2 and word not in PARTICLES:
                for place in f.places:
                    yield f"{phonetic(word)}|{place}"


def _evidence_keys(f: Features) -> Iterator[str]:
    # A date of birth, or half of an identifier, meets the records whose names and place are
    # too damaged for the other blocks; only records that carry such evidence.
    if not (f.has_person and f.has_evidence):
        return
    if len(f.birth) == 8:
        # With an initial of either name cell: one date holds thousands of people in a big file.
        for code in (f.last_code, f.swapped_code):
            if code:
                yield f"birth|{f.birth}|{code[0]}"
        # Or with the place: a married name whose first name is missing or garbled.
        for place in f.places:
            yield f"birth|{f.birth}|{place}"
    if f.siren:
        yield f"siren<|{f.siren[:5]}"
        yield f"siren>|{f.siren[4:]}"


_SortKey = tuple[str, str, str, str, int]


def _name_order(f: Features) -> _SortKey:
    return (f.person.last, "".join(f.person.first), f.company, f.postcode, f.index)


def _swapped_order(f: Features) -> _SortKey:
    names = sorted((f.person.last, "".join(f.person.first)))
    return (names[0], names[1], f.company, f.postcode, f.index)


def _company_order(f: Features) -> _SortKey:
    return (f.company, f.postcode, f.city, f.person.last, f.index)


_BLOCKINGS: Final = (
    (_swapped_name_keys, _swapped_order),
    (_spelling_keys, _name_order),
    (_company_name_keys, _name_order),
    (_company_keys, _company_order),
    (_evidence_keys, _name_order),
)


def _block_pairs(
    members: list[int], features: list[Features], order: Callable[[Features], _SortKey]
) -> Iterator[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        yield from combinations(members, 2)
        return
    # Sorted neighbourhood: a block of thousands of Martins in Paris costs n * WINDOW comparisons.
    ordered = sorted(members, key=lambda i: order(features[i]))
    for k, i in enumerate(ordered):
        for j in ordered[k + 1 : k + 1 + WINDOW]:
            yield (i, j) if i < j else (j, i)


def candidate_pairs(features: list[Features]) -> Iterator[tuple[int, int]]:
    """Indexes ``(i, j)``, ``i < j``, of the records that share a block; a pair may come again."""
    for keys, order in _BLOCKINGS:
        for members in _blocks_by(features, keys).values():
            if len(members) >= 2:
                yield from _block_pairs(members, features, order)
