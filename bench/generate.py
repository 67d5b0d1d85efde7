"""Seeded generators of realistic French prospect files and opposition lists.

Used to build ``examples/`` (small) and the benchmark inputs (millions of rows). The same seed
always gives the same bytes. Run ``python -m bench.generate --help``.
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from collections.abc import Iterator
from pathlib import Path

FIRST_NAMES = [
    "Jean-Pierre",
    "Marie",
    "Hélène",
    "François",
    "Amélie",
    "Sébastien",
    "Cécile",
    "Jérôme",
    "Léa",
    "Noémie",
    "Gaëlle",
    "Benoît",
    "Stéphane",
    "Agnès",
    "Thérèse",
    "Loïc",
    "Anaïs",
    "Chloé",
    "Mathéo",
    "Inès",
    "Zoé",
    "Raphaël",
    "Éric",
    "Élodie",
    "Josée",
    "Jean",
    "Pierre",
    "Michel",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Philippe",
    "Christophe",
    "Sandrine",
    "Laurent",
    "Camille",
    "Julien",
    "Nicolas",
    "Céline",
    "Aurélie",
    "Maxime",
    "Thomas",
    "Manon",
    "Lucas",
    "Emma",
    "Hugo",
    "Louise",
    "Arthur",
    "Jade",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Légaré",
    "Nguyen",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
]
COMPANY_WORDS = [
    "Bâtiment",
    "Boulangerie",
    "Menuiserie",
    "Plomberie",
    "Électricité",
    "Transports",
    "Conseil",
    "Pâtisserie",
    "Garage",
    "Immobilier",
    "Jardins",
    "Couverture",
    "Informatique",
    "Restauration",
    "Optique",
    "Pharmacie",
]
LEGAL_FORMS = ("SARL", "SAS", "SASU", "EURL", "SA", "Ets", "Sté", "")
TOWNS = (
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13008", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("06000", "Nice"),
    ("34000", "Montpellier"),
    ("21000", "Dijon"),
    ("97110", "Pointe-à-Pitre"),
    ("97400", "Saint-Denis"),
    ("29200", "Brest"),
)
# National significant numbers that are valid French numbers (mobile and fixed), avoiding the
# prefixes that belong to overseas regions (0590, 0594, 0596, 0262, 0269, 0639, 069x, 0508).
FR_PREFIXES = ("6", "6", "6", "7", "1", "2", "3", "4", "5")
OVERSEAS = ("690", "590", "262", "692", "694", "596")


def french_nsn(rng: random.Random) -> str:
    first = rng.choice(FR_PREFIXES)
    if first == "6":
        return "6" + rng.choice("0124578") + f"{rng.randrange(10**7):07d}"
    if first == "7":
        return "7" + rng.choice("3456789") + f"{rng.randrange(10**7):07d}"
    if first == "2":
        return "2" + rng.choice("0123457") + f"{rng.randrange(10**7):07d}"
    if first == "5":
        return "5" + rng.choice("1234567") + f"{rng.randrange(10**7):07d}"
    return first + rng.choice("123456789") + f"{rng.randrange(10**7):07d}"


def pairs(nsn: str) -> list[str]:
    national = "0" + nsn
    return [national[i : i + 2] for i in range(0, 10, 2)]


def messy(nsn: str, rng: random.Random) -> str:
    """One of the shapes found in Excel exports, for a valid 9-digit French NSN."""
    p = pairs(nsn)
    shape = rng.random()
    if shape < 0.30:
        return " ".join(p)
    if shape < 0.40:
        return ".".join(p)
    if shape < 0.50:
        return "0" + nsn
    if shape < 0.58:
        return "+33 " + nsn[0] + " " + " ".join(p[1:])
    if shape < 0.64:
        return "+33 (0)" + nsn[0] + " " + " ".join(p[1:])
    if shape < 0.70:
        return "0033" + nsn
    if shape < 0.78:
        return nsn  # Excel ate the leading zero
    if shape < 0.84:
        return "-".join(p)
    if shape < 0.88:
        return "+33" + nsn
    if shape < 0.92:
        return "\u00a0".join(p)
    if shape < 0.95:
        return " ".join(p) + " poste " + str(rng.randrange(10, 99))
    return "/".join(p)


INVALID = (
    "06 12 34",
    "N/A",
    "",
    "inconnu",
    "00 00 00 00 00",
    "+999 1234 5678",
    "0612345678901234",
    "01 23",
)


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def initials(first: str) -> str:
    """How a hurried sales agent types a first name: "Jean-Pierre" -> "J.-P."."""
    return "-".join(part[0] + "." for part in first.split("-"))


def prospect_rows(count: int, seed: int, blocked: set[str] | None = None) -> Iterator[list[str]]:
    """Rows of a prospect file; the NSNs used are added to ``blocked`` when given (for lists).

    About 5 % of rows re-enter an earlier prospect the way a second file would: initials for the
    first name, the legal form dropped, the number in another shape, the e-mail missing.
    """
    rng = random.Random(seed)
    people: list[tuple[str, str, str, str, str, str, str]] = []
    for index in range(count):
        if people and rng.random() < 0.05:
            first, last, company, nsn, email, postcode, town = rng.choice(people)
            words = company.split()
            if words[0] in LEGAL_FORMS:
                words = words[1:]
            yield [
                str(index + 1),
                last.upper(),
                initials(first),
                " ".join(words),
                messy(nsn, rng),
                "",
                postcode,
                town,
            ]
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        postcode, town = rng.choice(TOWNS)
        company = " ".join(
            w for w in (rng.choice(LEGAL_FORMS), last, rng.choice(COMPANY_WORDS)) if w
        )
        roll = rng.random()
        if roll < 0.04:
            number = rng.choice(INVALID)
        elif roll < 0.07:
            prefix = rng.choice(OVERSEAS)
            number = (
                "0"
                + prefix
                + f" {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d}"
            )
        else:
            nsn = french_nsn(rng)
            number = messy(nsn, rng)
            if blocked is not None and rng.random() < 0.15:
                blocked.add(nsn)
        email = ascii_fold(f"{first[0]}.{last}{rng.randrange(1000)}@example.fr".lower())
        if roll >= 0.07:
            people.append((first, last, company, nsn, email, postcode, town))
        yield [
            str(index + 1),
            last.upper() if rng.random() < 0.3 else last,
            first,
            company,
            number,
            email,
            postcode,
            town,
        ]


PROSPECT_HEADER = ["Réf", "Nom", "Prénom", "Société", "Téléphone", "E-mail", "Code postal", "Ville"]


def write_prospects(path: Path, count: int, seed: int, blocked: set[str] | None = None) -> None:
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write(";".join(PROSPECT_HEADER) + "\r\n")
        for row in prospect_rows(count, seed, blocked):
            handle.write(";".join(row) + "\r\n")


def write_national_list(
    path: Path,
    count: int,
    seed: int,
    include: set[str] = frozenset(),
    *,
    sort: bool = False,  # type: ignore[assignment]
) -> None:
    """A Bloctel-shaped list: ``Telephone;Date`` header, 10-digit national numbers and dates."""
    rng = random.Random(seed)
    numbers = set(include)
    while len(numbers) < count:
        numbers.add(french_nsn(rng))
    ordered = sorted(numbers)  # a set's order changes with the hash seed: sort, then shuffle
    if not sort:
        rng.shuffle(ordered)
    with path.open("w", encoding="ascii", newline="") as handle:
        handle.write("Telephone;Date inscription\r\n")
        for nsn in ordered:
            day = (
                f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(2016, 2026)}"
            )
            handle.write(f"0{nsn};{day}\r\n")


def write_examples(folder: Path, seed: int = 2026) -> None:
    blocked: set[str] = set()
    write_prospects(folder / "prospects.csv", 300, seed, blocked)
    write_national_list(folder / "opposition.txt", 2000, seed + 1, blocked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=Path, help="write the example files into this folder")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.examples:
        write_examples(args.examples, args.seed)


if __name__ == "__main__":
    main()
