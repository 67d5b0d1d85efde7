"""Specification of campaign.matching: which contacts are one prospect, and why."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import campaign.matching as matching
from campaign.matching import (
    ContactRecord,
    Link,
    PersonTokens,
    clusters,
    find_links,
    normalize_company,
    normalize_name,
    person_score,
    person_tokens,
    split_full_name,
)

NORMALIZED_NAMES = {
    "Élodie": "elodie",
    "  JEAN-PIERRE  ": "jean pierre",
    "Jean—Pierre": "jean pierre",
    "J.-P.": "j p",
    "d'Artagnan": "d artagnan",
    "L’Hermite": "l hermite",
    "Cœur": "coeur",
    "Lætitia": "laetitia",
    "François  Xavier": "francois xavier",
    "Müller": "muller",
    "Straße": "strasse",
    "": "",
}

NORMALIZED_COMPANIES = {
    "SARL Dupont Bâtiment": "dupont batiment",
    "Dupont Batiment": "dupont batiment",
    "S.A.R.L. Dupont & Cie": "dupont",
    "Dupont et Cie": "dupont",
    "Dupont & Fils": "dupont et fils",
    "Sté Martin et Fils": "martin et fils",
    "Société Générale": "generale",
    "Établissements Leclerc SAS": "leclerc",
    "Ets. Durand": "durand",
    "E.U.R.L. Petit": "petit",
    "Martin SASU": "martin",
    "DUPONT (SNC)": "dupont",
    "SCI Les Tilleuls": "les tilleuls",
    "Garage du Centre S.A.": "garage du centre",
    "Cie des Lampes": "cie des lampes",  # Compagnie as the first word is part of the name
    "SAS": "sas",  # nothing left without the legal form: keep it
}

# One cell -> (first name, last name), spelling kept.
FULL_NAMES = {
    "DUPONT Jean-Pierre": ("Jean-Pierre", "DUPONT"),
    "Jean-Pierre Dupont": ("Jean-Pierre", "Dupont"),
    "Jean-Pierre DUPONT": ("Jean-Pierre", "DUPONT"),
    "M. Jean Dupont": ("Jean", "Dupont"),
    "Dupont, Jean": ("Jean", "Dupont"),
    "DUPONT, Jean-Pierre": ("Jean-Pierre", "DUPONT"),
    "Mme Marie-Hélène LE GALL": ("Marie-Hélène", "LE GALL"),
    "Mlle Anne-Sophie MARTIN": ("Anne-Sophie", "MARTIN"),
    "Dr. Paul Petit": ("Paul", "Petit"),
    "Monsieur DUPONT": ("", "DUPONT"),
    "Jean de la Fontaine": ("Jean", "de la Fontaine"),
    "Jean de LA FONTAINE": ("Jean", "de LA FONTAINE"),
    "Yann Le Gall": ("Yann", "Le Gall"),
    "LE GALL Yann": ("Yann", "LE GALL"),
    "Marie-Claire Da Silva": ("Marie-Claire", "Da Silva"),
    "MARTIN Pierre Paul": ("Pierre Paul", "MARTIN"),
    "J.-P. DUPONT": ("J.-P.", "DUPONT"),
    "JP Dupont": ("JP", "Dupont"),  # capitals without a vowel are initials, not a last name
    "DUPONT JP": ("JP", "DUPONT"),
    "De Gaulle": ("", "De Gaulle"),
    "Dupont": ("", "Dupont"),
    "  ": ("", ""),
}

PERSON_TOKENS = {
    ("J.-P.", "de la Fontaine"): PersonTokens(("j", "p"), "fontaine", "delafontaine"),
    ("JP", "Le Gall"): PersonTokens(("j", "p"), "gall", "legall"),
    ("Jean Pierre", "DUPONT"): PersonTokens(("jean", "pierre"), "dupont", "dupont"),
    ("M.", "Dupont"): PersonTokens((), "dupont", "dupont"),  # Monsieur, not an initial
    ("M. Jean", "Dupont"): PersonTokens(("jean",), "dupont", "dupont"),
    ("M.-H.", "Dupont"): PersonTokens(("m", "h"), "dupont", "dupont"),  # Marie-Hélène
    ("Mme Élise", "d'Artagnan"): PersonTokens(("elise",), "artagnan", "dartagnan"),
}

# (first a, last a, first b, last b) of one person, in person_score >= 85
SAME_PERSON = [
    ("Jean-Pierre", "Dupont", "J.-P.", "DUPONT"),
    ("Jean-Pierre", "Dupont", "JP", "Dupont"),
    ("Jean-Pierre", "Dupont", "J-P", "Dupont"),
    ("Jean-Pierre", "Dupont", "Jean Pierre", "Dupont"),
    ("Jean-Pierre", "Dupont", "J.", "Dupont"),
    ("Jean-Pierre", "Dupont", "Dupont", "Jean-Pierre"),  # swapped columns
    ("Jean-Pierre", "Dupont", "DUPONT", "J.-P."),
    ("Stéphane", "Lefèvre", "STEPHANE", "LEFEBVRE"),
    ("Jean", "Dupont", "Jean", "Dupond"),
    ("Jean", "Lafontaine", "Jean", "de La Fontaine"),
    ("Jean", "Le Gall", "Jean", "Gall"),
    ("Jean", "d'Artagnan", "jean", "Dartagnan"),
    ("Marc", "Dupont", "Mark", "Dupont"),
    ("Jean-Pierre", "Dupont", "Jean-Piere", "Dupont"),
    # The masculine/feminine rule holds for two known first names only: these are typos.
    ("Pierre", "Dupont", "Pierr", "Dupont"),
    ("Sylvie", "Dupont", "Sylvi", "Dupont"),
    ("Hélène", "Dupont", "Hélèn", "Dupont"),
    ("Nathalie", "Dupont", "Nathaliee", "Dupont"),
    # Two letters beside a compound name are its initials, vowels or not.
    ("AS", "Martin", "Anne-Sophie", "Martin"),
    ("A.S.", "Martin", "Anne Sophie", "Martin"),
    ("MC", "Martin", "Marie-Claire", "Martin"),
]

# ... and of two people, person_score < 75
OTHER_PERSON = [
    ("Jean", "Dupont", "Jeanne", "Dupont"),
    ("Louis", "Martin", "Louise", "Martin"),
    ("Daniel", "Roux", "Danielle", "Roux"),
    ("Frédéric", "Petit", "Frédérique", "Petit"),
    ("Jean", "Dupont", "Jean-Pierre", "Dupont"),  # a father and his son
    ("JP", "Dupont", "Jean", "Dupont"),
    ("Jean", "Dupont", "Paul", "Dupont"),
    ("Jean", "Dupont", "Jean", "Durand"),
    ("J.", "Dupont", "P.", "Dupont"),
    ("Pascal", "Roux", "Pascale", "Roux"),
    ("Michel", "Roux", "Michèle", "Roux"),
    # One letter apart, yet a brother and a sister.
    ("Mario", "Dupont", "Marie", "Dupont"),
    ("Jules", "Martin", "Julie", "Martin"),
    ("Alexis", "Roux", "Alexia", "Roux"),
    ("Daniel", "Petit", "Daniela", "Petit"),
    ("Aurélien", "Moreau", "Aurélie", "Moreau"),
    ("Stéphane", "Lamet", "Stéphanie", "Lamet"),
    ("Julien", "Muller", "Julie", "Muller"),
    ("Valéry", "Roux", "Valérie", "Roux"),
    ("AS", "Martin", "Anne-Marie", "Martin"),
]

LYON = {"postcode": "69003", "city": "Lyon"}

# Pairs of one prospect: (record a, record b, the exact keys shared). Ids are 1 and 2.
MUST_LINK_BY_KEY: list[tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]] = [
    (
        {"last_name": "Dupont", "numbers": ("+33612345678",)},
        {"first_name": "Jean", "last_name": "Dupont", "numbers": ("+33699999999", "+33612345678")},
        ("phone:+33612345678",),  # every number of a record counts
    ),
    (
        {"first_name": "Jean", "last_name": "Dupont", "email": " JP@Dupont.fr "},
        {"first_name": "Marc", "last_name": "Martin", "email": "jp@dupont.fr"},
        ("email:jp@dupont.fr",),  # a personal e-mail links whatever the names
    ),
    (
        {"company": "Dupont Bâtiment", "siren": "123 456 789"},
        {"company": "DB Construction", "siren": "12345678900012"},  # a SIRET
        ("siren:123456789",),
    ),
    (
        {"first_name": "Jean", "last_name": "Dupont", "numbers": ("+33478000000",)},
        {"company": "Dupont Bâtiment", "numbers": ("+33478000000",)},
        ("phone:+33478000000",),  # the switchboard with no person name
    ),
    (
        {"first_name": "J.-P.", "last_name": "Dupont", "numbers": ("+33478000000",)},
        {"first_name": "Jean-Pierre", "last_name": "DUPONT", "numbers": ("+33478000000",)},
        ("phone:+33478000000",),
    ),
    (
        {"email": "a@x.fr", "numbers": ("+33612345678", "+33478000000"), "siren": "123456789"},
        {"email": "A@X.FR", "numbers": ("+33478000000", "+33612345678"), "siren": "123456789"},
        ("email:a@x.fr", "phone:+33478000000", "phone:+33612345678", "siren:123456789"),
    ),
    (
        # A typo in a first name is not the feminine form: the shared mobile still links.
        {"first_name": "Pierre", "last_name": "Dupont", "numbers": ("+33612345678",)},
        {"first_name": "Pierr", "last_name": "Dupont", "numbers": ("+33612345678",)},
        ("phone:+33612345678",),
    ),
    (
        {"first_name": "AS", "last_name": "Martin", "numbers": ("+33612345678",)},
        {"first_name": "Anne-Sophie", "last_name": "Martin", "numbers": ("+33612345678",)},
        ("phone:+33612345678",),
    ),
    (
        # One digit wrong in a date of birth is a typo, not another person.
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "19800112"),)},
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "19800172"),)},
        ("phone:+33478000000",),
    ),
    (
        # Day and month swapped.
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "19800112"),)},
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "19801201"),)},
        ("phone:+33478000000",),
    ),
    (
        # One SIREN and one date of birth: one person, whatever became of the last name.
        {
            "first_name": "Tahni",
            "last_name": "Skeen",
            "siren": "004111794",
            "extra": (("dob", "19231110"),),
        },
        {
            "first_name": "Tahni",
            "last_name": "Murton",
            "siren": "004111794",
            "extra": (("dob", "19231011"),),
        },
        ("siren:004111794",),
    ),
]

# Pairs of one prospect found by their names and place, score >= 85.
MUST_LINK_FUZZY: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"first_name": "J.-P.", "last_name": "Dupont", "company": "SARL Dupont Bâtiment", **LYON},
        {"first_name": "Jean-Pierre", "last_name": "DUPONT", "company": "Dupont Batiment", **LYON},
    ),
    (
        {"first_name": "Jean-Pierre", "last_name": "Dupont", "postcode": "42000"},
        {"first_name": "DUPONT", "last_name": "Jean-Pierre", "postcode": "42000"},
    ),
    (
        {"first_name": "Jean", "last_name": "Dupont", "city": "Saint-Étienne"},
        {"first_name": "Jean", "last_name": "DUPOND", "city": "ST ETIENNE CEDEX 2"},
    ),
    (
        {"last_name": "DUPONT Jean-Pierre", "postcode": "1000"},  # one cell, Excel ate the 0
        {"first_name": "Jean-Pierre", "last_name": "Dupont", "postcode": "01000"},
    ),
    (
        {"first_name": "Hélène", "last_name": "Lefèvre", "company": "Sté Lefèvre", **LYON},
        {"first_name": "Helene", "last_name": "LEFEVRE", "company": "Lefevre SARL", **LYON},
    ),
    (
        # A surname without a first name needs the company to agree.
        {"last_name": "Dupont", "company": "SARL Dupont Bâtiment", **LYON},
        {"first_name": "Jean-Pierre", "last_name": "Dupont", "company": "Dupont Batiment", **LYON},
    ),
    (
        # No place in common: the company stands in for it.
        {"first_name": "Jean", "last_name": "Dupont", "company": "Dupont Bâtiment"},
        {"first_name": "Jean", "last_name": "Dupont", "company": "Dupont Batiment", **LYON},
    ),
    (
        {"company": "Boulangerie Dupont", **LYON},
        {"company": "SARL BOULANGERIE DUPONT", "postcode": "69003"},
    ),
    (
        # "Meyer" is the short name of "Immobilier Meyer", not another company.
        {"first_name": "Anne", "last_name": "Roux", "company": "Immobilier Meyer", **LYON},
        {"first_name": "Anne", "last_name": "Roux", "company": "EURL MEYER", **LYON},
    ),
    (
        # The surname in the firm's name, the trade with a typo and in another order.
        {"first_name": "Jean", "last_name": "Martin", "company": "Menuiserie Martin", **LYON},
        {"first_name": "Jean", "last_name": "Martin", "company": "SARL Martin Menuisrie", **LYON},
    ),
    (
        {"first_name": "Jean", "last_name": "Dupont", **LYON, "extra": (("dob", "19800112"),)},
        {"first_name": "Jean", "last_name": "Dupont", **LYON, "extra": (("dob", "12/01/1980"),)},
    ),
    (
        # Two adjacent digits of the date transposed.
        {"first_name": "Jean", "last_name": "Dupont", **LYON, "extra": (("dob", "19800112"),)},
        {"first_name": "Jean", "last_name": "Dupont", **LYON, "extra": (("dob", "19801012"),)},
    ),
    (
        # A SIREN one digit apart is a typo, not another company.
        {"first_name": "Jean", "last_name": "Dupont", "siren": "123456789", **LYON},
        {"first_name": "Jean", "last_name": "Dupont", "siren": "123456779", **LYON},
    ),
    (
        # A full date of birth stands in for the company of a town with several postcodes.
        {
            "first_name": "Jean",
            "last_name": "Dupont",
            "postcode": "75011",
            "city": "Paris",
            "extra": (("dob", "19800112"),),
        },
        {
            "first_name": "Jean",
            "last_name": "Dupont",
            "postcode": "75015",
            "city": "Paris",
            "extra": (("dob", "19800112"),),
        },
    ),
]

# Different prospects that look alike.
MUST_NOT_LINK: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "namesakes in two towns": (
        {"first_name": "Jean", "last_name": "Martin", "postcode": "75011", "city": "Paris"},
        {"first_name": "Jean", "last_name": "Martin", "postcode": "13001", "city": "Marseille"},
    ),
    "namesakes in two districts of one city": (
        {"first_name": "Jean", "last_name": "Martin", "postcode": "75011", "city": "Paris"},
        {"first_name": "Jean", "last_name": "Martin", "postcode": "75015", "city": "Paris"},
    ),
    "namesakes born on different days": (
        {"first_name": "Jean", "last_name": "Martin", **LYON, "extra": (("dob", "1950-01-01"),)},
        {"first_name": "Jean", "last_name": "Martin", **LYON, "extra": (("dob", "1980-06-01"),)},
    ),
    "namesakes at two companies": (
        {"first_name": "Jean", "last_name": "Martin", "company": "Garage Moderne", **LYON},
        {"first_name": "Jean", "last_name": "Martin", "company": "Pharmacie Bellecour", **LYON},
    ),
    "namesakes at two firms named after them, in one town: two trades": (
        {"first_name": "Jean", "last_name": "Martin", "company": "Plomberie Martin", **LYON},
        {"first_name": "Jean", "last_name": "Martin", "company": "Martin Peinture SAS", **LYON},
    ),
    "namesakes in one town, one at a firm named after her, one at another": (
        {"first_name": "Sylvie", "last_name": "Morel", "company": "Morel Informatique", **LYON},
        {"first_name": "Sylvie", "last_name": "Morel", "company": "Maçonnerie Atlantique", **LYON},
    ),
    "a surname alone: 'et Fils' says nothing of the firm, so it is no company agreement": (
        {"last_name": "Ducault", "company": "Ducault et Fils"},
        {
            "first_name": "Sébastien",
            "last_name": "Ducault",
            "company": "Ducault et Fils SARL",
            "postcode": "59800",
            "city": "Lille",
        },
    ),
    "Jean and Jeanne Dupont in two cities": (
        {"first_name": "Jean", "last_name": "Dupont", **LYON},
        {"first_name": "Jeanne", "last_name": "Dupont", "postcode": "33000", "city": "Bordeaux"},
    ),
    "Jean and Jeanne Dupont in one town": (
        {"first_name": "Jean", "last_name": "Dupont", **LYON},
        {"first_name": "Jeanne", "last_name": "Dupont", **LYON},
    ),
    "Mario and Marie Dupont in one town": (
        {"first_name": "Mario", "last_name": "Dupont", **LYON},
        {"first_name": "Marie", "last_name": "Dupont", **LYON},
    ),
    "a father and his son": (
        {"first_name": "Jean", "last_name": "Dupont", "company": "Dupont Bâtiment", **LYON},
        {"first_name": "Jean-Pierre", "last_name": "Dupont", "company": "Dupont Bâtiment", **LYON},
    ),
    "one company name, two SIRENs": (
        {"company": "Dupont Bâtiment", "siren": "123456789", **LYON},
        {"company": "SARL Dupont Batiment", "siren": "987654321", **LYON},
    ),
    "one company name, two towns": (
        {"company": "Boulangerie Dupont", **LYON},
        {"company": "Boulangerie Dupont", "postcode": "33000", "city": "Bordeaux"},
    ),
    "a surname alone in a town": (
        {"last_name": "Dupont", **LYON},
        {"first_name": "Jean", "last_name": "Dupont", **LYON},
    ),
    "no place at all": (
        {"first_name": "Jean", "last_name": "Dupont"},
        {"first_name": "Jean", "last_name": "Dupont"},
    ),
    "a person and a company without a shared key": (
        {"first_name": "Jean", "last_name": "Dupont", "company": "Dupont Bâtiment", **LYON},
        {"company": "Dupont Bâtiment", **LYON},
    ),
    "two people on one switchboard": (
        {"first_name": "Jean", "last_name": "Dupont", "numbers": ("+33478000000",)},
        {"first_name": "Marie", "last_name": "Lefèvre", "numbers": ("+33478000000",)},
    ),
    "two surnames on one number": (
        {"last_name": "Dupont", "numbers": ("+33612345678",)},
        {"last_name": "Durand", "numbers": ("+33699999999", "+33612345678")},
    ),
    "two people sharing a role mailbox": (
        {"first_name": "Jean", "last_name": "Dupont", "email": "contact@dupont.fr"},
        {"first_name": "Marie", "last_name": "Lefèvre", "email": "Contact@dupont.fr"},
    ),
    "two people of one SIREN": (
        {"first_name": "Jean", "last_name": "Dupont", "siren": "123456789"},
        {"first_name": "Marie", "last_name": "Lefèvre", "siren": "123456789"},
    ),
    "namesakes on one switchboard, born on different days": (
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "1950"),)},
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "1980"),)},
    ),
    "namesakes on one SIREN, born on different days": (
        {
            "first_name": "Jean",
            "last_name": "Dupont",
            "siren": "123456789",
            "extra": (("dob", "19500101"),),
        },
        {
            "first_name": "Marc",
            "last_name": "Durand",
            "siren": "123456789",
            "extra": (("dob", "19800601"),),
        },
    ),
    "two colleagues born in the same year, on one SIREN (a year is not a date)": (
        {
            "first_name": "Jean",
            "last_name": "Dupont",
            "siren": "123456789",
            "extra": (("dob", "1980"),),
        },
        {
            "first_name": "Marc",
            "last_name": "Durand",
            "siren": "123456789",
            "extra": (("dob", "1980"),),
        },
    ),
    "a father and his son of the same name in the family firm (one SIREN)": (
        {
            "first_name": "Jean",
            "last_name": "Dupont",
            "siren": "123456789",
            "extra": (("dob", "19500101"),),
        },
        {
            "first_name": "Jean",
            "last_name": "Dupond",
            "siren": "123456789",
            "extra": (("dob", "19800601"),),
        },
    ),
    "namesakes on one switchboard, born in different decades": (
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "19500112"),)},
        {"last_name": "Jean Dupont", "numbers": ("+33478000000",), "extra": (("dob", "19681203"),)},
    ),
    "two SIRENs more than one typo apart": (
        {"first_name": "Jean", "last_name": "Dupont", "siren": "123456789", **LYON},
        {"first_name": "Jean", "last_name": "Dupont", "siren": "123459876", **LYON},
    ),
    "a surname alone and the company named after it": (
        {"last_name": "Gautier", "company": "SARL Gautier", **LYON},
        {"first_name": "Marc", "last_name": "Gautier", "company": "Gautier", **LYON},
    ),
    "a surname and a company named after it, in two postcodes of one city": (
        {
            "first_name": "Marc",
            "last_name": "Gautier",
            "company": "SARL Gautier",
            "postcode": "75011",
            "city": "Paris",
        },
        {
            "first_name": "Marc",
            "last_name": "Gautier",
            "company": "Gautier",
            "postcode": "75015",
            "city": "Paris",
        },
    ),
    "placeholder keys are not identities": (
        {"first_name": "Jean", "last_name": "Dupont", "siren": "000000000", "email": "n/a"},
        {"first_name": "Paul", "last_name": "Martin", "siren": "000000000", "email": "n/a"},
    ),
}


def born(date: str, street: str = "", number: str = "", *more: str) -> tuple[tuple[str, str], ...]:
    """``extra`` with a date of birth and a home address (lines beyond the first in ``more``)."""
    fields = [("date_of_birth", date), ("street_number", number), ("address_1", street)]
    fields += [(f"address_{k}", line) for k, line in enumerate(more, start=2)]
    return tuple((key, value) for key, value in fields if value)


HOME_AT = ("rue des Lilas", "12")
HOME = born("", *HOME_AT)
JEAN = {"first_name": "Jean", "last_name": "Dupont", **LYON}

# Pairs the rules above refuse, linked by the weight of every field both records know.
MUST_LINK_BY_EVIDENCE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "two SIRENs, outvoted by one date of birth and one home": (
        {**JEAN, "siren": "123456789", "extra": born("19800112", "rue des Lilas", "12")},
        {**JEAN, "siren": "987654321", "extra": born("19800112", "rue des Lilas", "12")},
    ),
    "a married name: first name, date of birth and home agree": (
        {"first_name": "Marie", "last_name": "Dupont", **LYON, "extra": born("19800112", "Lilas")},
        {"first_name": "Marie", "last_name": "Lefèvre", **LYON, "extra": born("19800112", "Lilas")},
    ),
    "a date of birth garbled, outvoted by the full name at one home with one SIREN": (
        {**JEAN, "siren": "123456789", "extra": born("19800112", "rue des Lilas", "12")},
        {**JEAN, "siren": "123456789", "extra": born("19310622", "rue des Lilas", "12")},
    ),
    "address lines swapped, typed without spaces, a postcode typo, two SIRENs": (
        {
            **JEAN,
            "siren": "123456789",
            "extra": born("19800112", "12 rue des Lilas", "", "Résidence Les Pins"),
        },
        {
            **JEAN,
            "postcode": "69030",
            "siren": "987654321",
            "extra": born("19800112", "residence lespins", "", "12 ruedes lilas"),
        },
    ),
    "typos in both names (a letter wrong, a swap), another date, at one home with one SIREN": (
        {**JEAN, "siren": "123456789", "extra": born("19800112", "rue des Lilas", "12")},
        {
            **JEAN,
            "first_name": "Jaen",
            "last_name": "Dupomt",
            "siren": "123456789",
            "extra": born("19310622", "rue des Lilas", "12"),
        },
    ),
    "a married name without a first name: one date of birth, one home of two lines": (
        {"last_name": "Dupont", **LYON, "extra": born("19800112", "rue des Lilas", "12", "Bât. B")},
        {
            "last_name": "Lefèvre",
            **LYON,
            "extra": born("19800112", "rue des Lilas", "12", "Bât. B"),
        },
    ),
    "a typo in the last name and in the SIREN beyond one digit, no date on one side": (
        {**JEAN, "siren": "123456789", "extra": HOME},
        {
            **JEAN,
            "last_name": "Dupon",
            "siren": "123457698",
            "extra": born("19800112", "rue des Lilas", "12"),
        },
    ),
    "a person's own SIREN (no company named) at one home: the first name replaced": (
        {**JEAN, "siren": "123456789", "extra": HOME},
        {**JEAN, "first_name": "Marie", "siren": "123456789", "extra": HOME},
    ),
    "a person's own SIREN at one home outvotes another date and a missing first name": (
        {"last_name": "Dupont", **LYON, "siren": "123456789", "extra": born("19690808", *HOME_AT)},
        {**JEAN, "siren": "123456789", "extra": born("19240608", *HOME_AT)},
    ),
}

# Different people whose records carry dates of birth or addresses.
MUST_NOT_LINK_BY_EVIDENCE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "a couple at one home": (
        {**JEAN, "extra": HOME},
        {**JEAN, "first_name": "Marie", "extra": HOME},
    ),
    "a parent and a child at one home, born decades apart": (
        {**JEAN, "extra": born("19500101", "rue des Lilas", "12")},
        {**JEAN, "first_name": "Paul", "extra": born("19800601", "rue des Lilas", "12")},
    ),
    "a father and his son of one name in the family firm, at its address": (
        {
            **JEAN,
            "company": "Dupont Bâtiment",
            "siren": "123456789",
            "extra": born("19500101", "rue des Lilas", "12"),
        },
        {
            **JEAN,
            "company": "Dupont Bâtiment",
            "siren": "123456789",
            "extra": born("19800601", "rue des Lilas", "12"),
        },
    ),
    "two colleagues of one first name at the firm's address": (
        {**JEAN, "company": "Garage Moderne", "siren": "123456789", "extra": HOME},
        {
            **JEAN,
            "last_name": "Martin",
            "company": "Garage Moderne",
            "siren": "123456789",
            "extra": HOME,
        },
    ),
    "a couple in the family firm: one SIREN, the firm named, one address": (
        {**JEAN, "company": "Dupont Bâtiment", "siren": "123456789", "extra": HOME},
        {
            **JEAN,
            "first_name": "Marie",
            "company": "Dupont Bâtiment",
            "siren": "123456789",
            "extra": HOME,
        },
    ),
    "one SIREN, no company named, one address, but two last names": (
        {**JEAN, "siren": "123456789", "extra": HOME},
        {**JEAN, "last_name": "Martin", "siren": "123456789", "extra": HOME},
    ),
    "one SIREN, no company named, one last name, but two homes": (
        {**JEAN, "siren": "123456789", "extra": HOME},
        {**JEAN, "first_name": "Marie", "siren": "123456789", "extra": born("", "rue Neuve", "3")},
    ),
    "one SIREN, no company named, one last name, but no address line to agree on": (
        {**JEAN, "siren": "123456789", "extra": born("1950", "", "12")},
        {**JEAN, "first_name": "Marie", "siren": "123456789", "extra": born("1950", "", "12")},
    ),
    "a surname alone at a home address": (
        {"last_name": "Dupont", **LYON, "extra": HOME},
        {**JEAN, "extra": HOME},
    ),
    "one name and one date of birth in two towns": (
        {**JEAN, "extra": born("19800112")},
        {**JEAN, "postcode": "33000", "city": "Bordeaux", "extra": born("19800112")},
    ),
    "two people born on one day in one town, no name in common": (
        {"last_name": "Dupont", **LYON, "extra": born("19800112")},
        {"first_name": "Paul", "last_name": "Martin", **LYON, "extra": born("19800112")},
    ),
    "Jean and Jeanne Dupont, twins at one home": (
        {**JEAN, "extra": born("19800112", "rue des Lilas", "12")},
        {**JEAN, "first_name": "Jeanne", "extra": born("19800112", "rue des Lilas", "12")},
    ),
}


def pair(a: dict[str, Any], b: dict[str, Any]) -> list[ContactRecord]:
    return [ContactRecord(1, **a), ContactRecord(2, **b)]


@pytest.mark.parametrize(("text", "expected"), NORMALIZED_NAMES.items())
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


@pytest.mark.parametrize(("text", "expected"), NORMALIZED_COMPANIES.items())
def test_normalize_company(text: str, expected: str) -> None:
    assert normalize_company(text) == expected


@pytest.mark.parametrize(("text", "expected"), FULL_NAMES.items())
def test_split_full_name(text: str, expected: tuple[str, str]) -> None:
    assert split_full_name(text) == expected


@pytest.mark.parametrize(("names", "expected"), PERSON_TOKENS.items())
def test_person_tokens(names: tuple[str, str], expected: PersonTokens) -> None:
    assert person_tokens(*names) == expected


@pytest.mark.parametrize("names", SAME_PERSON, ids=" / ".join)
def test_person_score_of_one_person(names: tuple[str, str, str, str]) -> None:
    assert person_score(*names) >= 85
    assert person_score(*names[2:], *names[:2]) == person_score(*names)


@pytest.mark.parametrize("names", OTHER_PERSON, ids=" / ".join)
def test_person_score_of_two_people(names: tuple[str, str, str, str]) -> None:
    assert person_score(*names) < 75
    assert person_score(*names[2:], *names[:2]) == person_score(*names)


@pytest.mark.parametrize(("a", "b", "keys"), MUST_LINK_BY_KEY)
def test_exact_keys_link(a: dict[str, Any], b: dict[str, Any], keys: tuple[str, ...]) -> None:
    [link] = find_links(pair(a, b))
    assert (link.a, link.b, link.keys, link.score) == (1, 2, keys, 100.0)


@pytest.mark.parametrize(("a", "b"), MUST_LINK_FUZZY)
def test_fuzzy_links(a: dict[str, Any], b: dict[str, Any]) -> None:
    [link] = find_links(pair(a, b))
    assert (link.a, link.b, link.keys) == (1, 2, ())
    assert link.score >= 85
    assert link.detail == tuple(sorted(link.detail))
    assert {field for field, _ in link.detail} <= {"person", "company", "place"}


@pytest.mark.parametrize(("a", "b"), MUST_NOT_LINK.values(), ids=MUST_NOT_LINK.keys())
def test_must_not_link(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert find_links(pair(a, b)) == []


EVIDENCE_FIELDS = {"last_name", "first_name", "birth", "siren", "street", "street_number"} | {
    "postcode",
    "city",
    "region",
    "company",
}


@pytest.mark.parametrize(
    ("a", "b"), MUST_LINK_BY_EVIDENCE.values(), ids=MUST_LINK_BY_EVIDENCE.keys()
)
def test_evidence_links(a: dict[str, Any], b: dict[str, Any]) -> None:
    [link] = find_links(pair(a, b))
    assert (link.a, link.b, link.keys) == (1, 2, ())
    assert link.score >= 85
    assert {"last_name", "first_name"} <= {field for field, _ in link.detail} <= EVIDENCE_FIELDS


@pytest.mark.parametrize(
    ("a", "b"), MUST_NOT_LINK_BY_EVIDENCE.values(), ids=MUST_NOT_LINK_BY_EVIDENCE.keys()
)
def test_evidence_does_not_link(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert find_links(pair(a, b)) == []


def test_evidence_formula() -> None:
    # Marie Dupont / Marie Lefèvre: last -4, first +5, birth +10, street +5, postcode +4, city +3
    # = 23 bits; score = 100 / (1 + 2 ** (19.5 - 23)) = 91.9. 85 needs 22 bits.
    a, b = MUST_LINK_BY_EVIDENCE["a married name: first name, date of birth and home agree"]
    [link] = find_links(pair(a, b))
    assert link.detail == (
        ("birth", 10.0),
        ("city", 3.0),
        ("first_name", 5.0),
        ("last_name", -4.0),
        ("postcode", 4.0),
        ("street", 5.0),
    )
    assert link.score == 91.9
    assert find_links(pair(a, b), threshold=91.9) == [link]
    assert find_links(pair(a, b), threshold=92.0) == []
    # One bit less (another town: city -1 instead of +3) falls below 22 bits.
    assert find_links(pair(a, {**b, "city": "Villeurbanne", "postcode": ""})) == []


@pytest.mark.parametrize(
    ("extra", "fields"),
    [
        ((("DOB", "12/01/1980"),), {"birth"}),
        ((("Address", "12 rue des Lilas"), ("Address_2", "Bât. B")), {"street"}),
        ((("adresse", "12 rue des Lilas"), ("numero", "12")), {"street", "street_number"}),
        ((("house_number", "12"), ("street", "rue des Lilas"), ("state", "RA")), {"street"}),
        ((("shoe_size", "42"),), set()),
    ],
)
def test_extra_keys_the_evidence_reads(
    extra: tuple[tuple[str, str], ...], fields: set[str]
) -> None:
    # The same extra on both records, a SIREN each apart: only the evidence can link them.
    a = {**JEAN, "siren": "123456789", "extra": extra}
    b = {**JEAN, "siren": "987654321", "extra": extra}
    links = find_links(pair(a, b))
    if not fields:
        assert links == []
        return
    [link] = links
    assert fields <= {field for field, _ in link.detail}


def test_the_example_of_the_brief_in_detail() -> None:
    a, b = MUST_LINK_FUZZY[0]
    assert find_links(pair(a, b)) == [
        Link(1, 2, (), 100.0, (("company", 100.0), ("person", 100.0), ("place", 100.0)))
    ]


def test_score_formula() -> None:
    # person = 0.6 * last (Dupont/Dupond 83.3) + 0.4 * first (100) = 90
    # score = 0.7 * person + 0.3 * mean(place 100) = 93
    a = {"first_name": "Jean", "last_name": "Dupont", **LYON}
    b = {"first_name": "Jean", "last_name": "Dupond", **LYON}
    [link] = find_links(pair(a, b))
    assert link.detail == (("person", 90.0), ("place", 100.0))
    assert link.score == 93.0
    assert find_links(pair(a, b), threshold=93.0) == [link]
    assert find_links(pair(a, b), threshold=93.1) == []


def test_a_shared_number_links_one_person_named_two_ways_and_lists_the_scores() -> None:
    a = {"first_name": "Jean", "last_name": "Dupont", "numbers": ("+33478000000",), **LYON}
    b = {"first_name": "J.", "last_name": "Dupont", "numbers": ("+33478000000",)}
    [link] = find_links(pair(a, b))
    assert link.keys == ("phone:+33478000000",)
    assert link.detail == (("person", 100.0),)


def test_a_key_held_by_more_than_100_records_is_ignored() -> None:
    records = [
        ContactRecord(i, company=f"Société {i}", numbers=("+33100000000",)) for i in range(101)
    ]
    assert find_links(records) == []
    assert len(find_links(records[:100])) == 100 * 99 // 2


def test_threshold_must_be_within_0_and_100() -> None:
    records = pair(*MUST_LINK_FUZZY[0])
    assert find_links(records, threshold=0) and find_links(records, threshold=100)
    for threshold in (-0.1, 100.1, float("nan")):
        with pytest.raises(ValueError, match="threshold"):
            find_links(records, threshold=threshold)


def test_ids_must_be_unique() -> None:
    with pytest.raises(ValueError, match="two records have the id 7"):
        find_links([ContactRecord(7), ContactRecord(7)])


def test_no_records_no_links() -> None:
    assert find_links([]) == []
    assert clusters([], []) == []


def test_clusters_are_connected_components_of_two_or_more() -> None:
    links = [Link(1, 2, (), 90.0, ()), Link(2, 5, (), 90.0, ()), Link(3, 4, ("x",), 100.0, ())]
    assert clusters(range(1, 8), links) == [(1, 2, 5), (3, 4)]


def test_clusters_refuse_a_link_to_an_unknown_id() -> None:
    with pytest.raises(ValueError, match="link 1-9"):
        clusters([1, 2], [Link(1, 9, (), 90.0, ())])


TOURS = {"postcode": "37000", "city": "Tours"}


def test_an_initial_that_fits_two_people_is_linked_to_neither() -> None:
    initial = ContactRecord(1, "J.", "Ducel", company="Ducel", **TOURS)
    jean = ContactRecord(2, "Jean", "Ducel", company="Ducel Garage", **TOURS)
    jade = ContactRecord(3, "Jade", "Ducel", company="Ducel Garage", **TOURS)
    # Alone with either, the initial is that person ...
    assert [(x.a, x.b) for x in find_links([initial, jean])] == [(1, 2)]
    assert [(x.a, x.b) for x in find_links([initial, jade])] == [(1, 3)]
    # ... beside both, it could be either: no cluster would join Jean and Jade through it.
    assert find_links([initial, jean, jade]) == []
    # A last name alone is as vague.
    assert find_links([replace(initial, first_name=""), jean, jade]) == []
    # A shared number says which one it is, and still links.
    numbered = [
        replace(initial, numbers=("+33247000000",)),
        jean,
        replace(jade, numbers=("+33247000000",)),
    ]
    assert [(x.a, x.b, x.keys) for x in find_links(numbered)] == [(1, 3, ("phone:+33247000000",))]
    # Two records of one person with the initial stay linked: Jean and Jean are one first name.
    assert [(x.a, x.b) for x in find_links([initial, jean, replace(jean, id=4)])] == [
        (1, 2),
        (1, 4),
        (2, 4),
    ]


def test_a_block_of_thousands_of_identical_names_stays_linear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = [
        ContactRecord(i, "Jean", "Martin", numbers=(f"+336{i:08d}",), postcode="75001")
        for i in range(3000)
    ]
    compared = 0
    compare = matching.fuzzy_link

    def counted(*args: Any) -> Link | None:
        nonlocal compared
        compared += 1
        return compare(*args)

    monkeypatch.setattr(matching, "fuzzy_link", counted)
    links = find_links(records)
    # Sorted neighbourhood: each record meets its next 8 in each of the 4 blocks it is in
    # (either name's code, either end of the last name), not the 4.5 million pairs ...
    assert 3000 <= compared <= 4 * 3000 * 8
    assert len(links) < 3000 * 8
    # ... and the identical records still form one cluster.
    assert clusters(range(3000), links) == [tuple(range(3000))]


# A small seeded generator of French contact files; the module docstring's figure was measured
# with generated_contacts(100_000, seed=7).
SURNAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre "
    "Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau "
    "Vincent Muller Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand "
    "Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Masson Marchand "
    "Duval Denis Dumont Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière "
    "Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Colin Vidal "
    "Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois "
    "Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Dupuy Guillot Hubert Le_Gall "
    "Le_Goff Da_Silva de_La_Fontaine d'Artagnan Lévêque Hoarau Grondin Ménard Prévost Étienne"
).replace("_", "\u00a0")
FIRST_NAMES = (
    "Jean Pierre Michel André Philippe Louis Alain Jacques Bernard Daniel Paul Claude Christian "
    "Nicolas François Patrick Christophe Julien René Frédéric Éric Laurent Stéphane Olivier "
    "Jean-Pierre Jean-Claude Jean-Luc Pierre-Yves Thomas Antoine Marie Jeanne Françoise Monique "
    "Catherine Nathalie Isabelle Anne Sylvie Martine Christine Michèle Sandrine Valérie Céline "
    "Sophie Danielle Louise Pascale Frédérique Marie-Hélène Anne-Sophie Camille Julie Emma"
)
SECTORS = "Bâtiment Plomberie Boulangerie Garage Transports Menuiserie Conseil Pharmacie Traiteur"
LEGAL = ["SARL", "SAS", "EURL", "Sté", "Ets", "S.A.R.L.", "", "", ""]
TOWNS = ["Saint-Étienne", "Villeneuve", "Montigny", "Fontaine", "Beaumont", "Châteauneuf", "Mont"]
TOWN_ENDS = ["", "-sur-Mer", "-sur-Loire", "-les-Bains", "-en-Bresse", "-la-Forêt", "-d'Azur"]


def generated_contacts(n: int, seed: int = 1) -> tuple[list[ContactRecord], dict[int, int]]:
    """n contacts, a fifth of them variants of an earlier one; and each id's true person."""
    rng = random.Random(seed)
    surnames = [s.replace("\u00a0", " ") for s in SURNAMES.split()]
    weights = [1 / (rank + 10) for rank in range(len(surnames))]
    places = sorted(
        {
            (f"{rng.randint(1, 95):02d}{rng.randint(0, 99) * 10:03d}", f"{town}{end}-{k}")
            for town, end, k in (
                (rng.choice(TOWNS), rng.choice(TOWN_ENDS), rng.randint(1, 50))
                for _ in range(max(50, n // 40))
            )
        }
    )
    records: list[ContactRecord] = []
    truth: dict[int, int] = {}
    for i in range(n):
        if records and rng.random() < 0.2:
            base = records[rng.randrange(len(records))]
            records.append(_variant(rng, base, i))
            truth[i] = truth[base.id]
            continue
        first, last = rng.choice(FIRST_NAMES.split()), rng.choices(surnames, weights)[0]
        company = siren = email = ""
        if rng.random() < 0.6:
            company = f"{rng.choice(LEGAL)} {rng.choice(SECTORS.split())} {rng.choice(surnames)}"
            siren = f"{rng.randrange(10**8, 10**9)}" if rng.random() < 0.5 else ""
        if rng.random() < 0.5:
            email = f"{normalize_name(first + last).replace(' ', '')}{i}@example.fr"
        postcode, city = rng.choice(places)
        dob = f"19{rng.randrange(40, 100)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        numbers = (f"+336{rng.randrange(10**8):08d}",)
        extra = (("date_of_birth", dob),)
        records.append(
            ContactRecord(i, first, last, company, numbers, email, siren, postcode, city, extra)
        )
        truth[i] = i
    return records, truth


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    k = rng.randrange(1, len(word) - 2)
    return rng.choice([word[:k] + word[k + 1 :], word[:k] + word[k + 1] + word[k] + word[k + 2 :]])


VARIATIONS: list[Callable[[random.Random, ContactRecord], dict[str, Any]]] = [
    lambda rng, r: {"last_name": _typo(rng, r.last_name)},
    lambda rng, r: {"first_name": "-".join(p[0] + "." for p in r.first_name.split("-") if p)},
    lambda rng, r: {"first_name": r.last_name, "last_name": r.first_name},
    lambda rng, r: {"first_name": normalize_name(r.first_name), "last_name": r.last_name.upper()},
    lambda rng, r: {
        "company": f"{rng.choice(LEGAL)} {r.company.split(' ', 1)[-1]}".upper() * bool(r.company)
    },
    lambda rng, r: {"postcode": ""},
    lambda rng, r: {"city": r.city.replace("Saint-", "St ").upper()},
]


def _variant(rng: random.Random, base: ContactRecord, new_id: int) -> ContactRecord:
    """The same person as another file writes it, with some of its keys."""
    record = replace(
        base,
        id=new_id,
        numbers=base.numbers if rng.random() < 0.4 else (f"+337{rng.randrange(10**8):08d}",),
        email=base.email if rng.random() < 0.4 else "",
        siren=base.siren if rng.random() < 0.5 else "",
    )
    for _ in range(rng.randint(1, 2)):
        record = replace(record, **rng.choice(VARIATIONS)(rng, record))
    return record


def test_generated_file_planted_duplicates_are_found_and_nothing_else() -> None:
    records, truth = generated_contacts(4000, seed=3)
    found = clusters((r.id for r in records), find_links(records))
    found_pairs = {p for cluster in found for p in combinations(cluster, 2)}
    people: dict[int, list[int]] = defaultdict(list)
    for record_id, person in truth.items():
        people[person].append(record_id)
    true_pairs = {p for ids in people.values() for p in combinations(sorted(ids), 2)}
    assert len(found_pairs & true_pairs) >= 0.97 * len(true_pairs)
    assert found_pairs <= true_pairs


# Properties, on records drawn from small pools so that they collide.
FIRSTS = ["", "Jean", "Jeanne", "J.", "Jean-Pierre", "JP", "jean pierre", "Marie", "M."]
LASTS = ["", "Dupont", "DUPONT", "Dupond", "Martin", "de la Fontaine", "Lafontaine", "Jean"]
COMPANIES = ["", "SARL Dupont Bâtiment", "Dupont Batiment", "Boulangerie Martin", "Martin"]
PLACES = [("", ""), ("69003", "Lyon"), ("69007", "Lyon"), ("", "LYON"), ("42000", "St Étienne")]

record_fields = st.fixed_dictionaries(
    {
        "first_name": st.sampled_from(FIRSTS),
        "last_name": st.sampled_from(LASTS),
        "company": st.sampled_from(COMPANIES),
        "numbers": st.lists(
            st.sampled_from(["+33612345678", "+33478000000", "+33699999999"]), max_size=2
        ).map(tuple),
        "email": st.sampled_from(["", "jp@dupont.fr", "contact@dupont.fr", "JP@dupont.fr "]),
        "siren": st.sampled_from(["", "123456789", "12345678900012", "987654321"]),
        "place": st.sampled_from(PLACES),
        "extra": st.sampled_from([(), (("date_of_birth", "19800101"),), (("dob", "1990-02-03"),)]),
    }
)


def make_record(record_id: int, fields: dict[str, Any]) -> ContactRecord:
    fields = dict(fields)
    postcode, city = fields.pop("place")
    return ContactRecord(record_id, postcode=postcode, city=city, **fields)


contact_files = st.lists(record_fields, max_size=14).flatmap(
    lambda rows: st.permutations(range(100, 100 + 3 * len(rows), 3)).map(
        lambda ids: [make_record(i, row) for i, row in zip(ids, rows, strict=True)]
    )
)


@settings(max_examples=400, deadline=None)
@given(records=contact_files, data=st.data())
def test_links_and_clusters_do_not_depend_on_the_input_order(
    records: list[ContactRecord], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(records))
    links = find_links(records)
    assert find_links(shuffled) == links
    ids = [r.id for r in records]
    assert clusters(reversed(ids), list(reversed(links))) == clusters(ids, links)


@settings(max_examples=400, deadline=None)
@given(records=contact_files, threshold=st.floats(0, 100))
def test_links_are_sorted_pairs_and_clusters_partition_the_linked_ids(
    records: list[ContactRecord], threshold: float
) -> None:
    links = find_links(records, threshold=threshold)
    assert [(x.a, x.b) for x in links] == sorted({(x.a, x.b) for x in links})
    assert all(x.a < x.b for x in links)
    for link in links:
        assert link.keys == tuple(sorted(link.keys))
        assert link.score == 100.0 if link.keys else threshold <= link.score <= 100.0
    found = clusters((r.id for r in records), links)
    members = [i for cluster in found for i in cluster]
    assert len(members) == len(set(members))
    assert set(members) == {i for x in links for i in (x.a, x.b)}
    assert all(len(cluster) >= 2 and list(cluster) == sorted(cluster) for cluster in found)
    assert found == sorted(found)


@settings(max_examples=500, deadline=None)
@given(a=record_fields, b=record_fields)
def test_a_link_does_not_depend_on_which_record_comes_first(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    forward = find_links([make_record(1, a), make_record(2, b)])
    backward = find_links([make_record(1, b), make_record(2, a)])
    assert [(x.keys, x.score, x.detail) for x in forward] == [
        (x.keys, x.score, x.detail) for x in backward
    ]
