"""Names, companies and towns made comparable: French-aware normalisation and the person score.

``normalize_name`` folds case, accents and ligatures and turns punctuation into spaces. Last names
count the better of the comparison without particles (de, du, des, le, la, d', l', da, van...)
and with them. First names: initials match word by word (``J.-P.`` = ``JP`` = ``J-P`` =
``Jean-Pierre`` = ``Jean Pierre``), a single initial matches a compound name at 90 (``J.`` ~
``Jean-Pierre``), two letters beside a compound name are its initials even with a vowel (``AS`` =
``Anne-Sophie``), but ``Jean`` and ``Jean-Pierre`` are different (a father and his son); a known
first name and its feminine form (``GENDERED_PAIRS``: Jean/Jeanne, Louis/Louise, Daniel/Danielle,
Frédéric/Frédérique, Mario/Marie...) score 0. Other names compare normally: Pierre/Pierr is a
typo. A leading civility in a first-name column is dropped (``M.`` and ``M. Jean`` are Monsieur,
``M.-H.`` is Marie-Hélène). A record whose only name cell holds several words goes through
``split_full_name``.

Person score, 0..100, from rapidfuzz's ``ratio`` (normalised Indel similarity): last = ratio of
the last names; first = as above; person = 0.6 last + 0.4 first, or min(first, last) when
first < 70 or last < 75 (one part that disagrees makes another person, not an average one), or
last alone when a first name is missing. The best of the straight and the swapped reading (first
name in the last-name column) counts.

``normalize_company`` drops legal forms (SARL, SAS, Sté, Ets...). Towns: ``St`` = ``Saint``, Cedex
and district numbers ignored. A 4-digit postcode gets back the leading zero Excel dropped. The
phonetic code, for blocking, is a light French reduction (ph = f, qu = k, c = s or k, y = i,
silent h, vowels after the first letter and final t, d, s, x dropped), cut to 4 letters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from rapidfuzz.fuzz import ratio


@dataclass(frozen=True, slots=True)
class PersonTokens:
    """A person name ready to compare: first-name words (initials split), joined last name."""

    first: tuple[str, ...]
    last: str
    last_with_particles: str


PARTICLES: Final = frozenset(
    {"de", "du", "des", "le", "la", "les", "d", "l", "da", "das", "do", "dos", "di", "del"}
    | {"della", "van", "von", "der", "den"}
)

CIVILITIES: Final = frozenset(
    {"m", "mr", "monsieur", "mme", "madame", "mlle", "melle", "mademoiselle", "dr", "docteur"}
    | {"pr", "professeur", "me", "maitre"}
)

LEGAL_FORMS: Final = frozenset(
    {"sarl", "sas", "sasu", "eurl", "sa", "sci", "snc", "ste", "societe", "ets", "etablissement"}
    | {"etablissements", "selarl", "selas", "scp", "scop", "eirl", "gie"}
)

# A masculine first name and its feminine form (normalised, compound names joined): two people.
GENDERED_PAIRS: Final = frozenset(
    {("jean", "jeanne"), ("jean", "jeannette"), ("louis", "louise"), ("daniel", "danielle")}
    | {("frederic", "frederique"), ("michel", "michele"), ("michel", "michelle")}
    | {("michel", "micheline"), ("pascal", "pascale"), ("denis", "denise")}
    | {("francois", "francoise"), ("gabriel", "gabrielle"), ("emmanuel", "emmanuelle")}
    | {("joel", "joelle"), ("marcel", "marcelle"), ("martin", "martine"), ("paul", "paule")}
    | {("paul", "paulette"), ("paul", "paula"), ("paul", "pauline"), ("yves", "yvette")}
    | {("simon", "simone"), ("julien", "julienne"), ("christian", "christiane")}
    | {("fabien", "fabienne"), ("adrien", "adrienne"), ("lucien", "lucienne")}
    | {("vivien", "vivienne"), ("antoine", "antoinette"), ("henri", "henriette")}
    | {("georges", "georgette"), ("bernard", "bernadette"), ("nicolas", "nicole")}
    | {("alexandre", "alexandra"), ("raphael", "raphaelle"), ("michael", "michaela")}
    | {("gilbert", "gilberte"), ("robert", "roberte"), ("rene", "renee"), ("andre", "andree")}
    | {("noel", "noelle"), ("gaetan", "gaetane"), ("laurent", "laurence")}
    | {("patrick", "patricia"), ("charles", "charlotte"), ("jacques", "jacqueline")}
    | {("clement", "clementine"), ("justin", "justine"), ("augustin", "augustine")}
    | {("valentin", "valentine"), ("ernest", "ernestine"), ("jose", "josee")}
    | {("joseph", "josephine"), ("olivier", "olivia"), ("pierre", "pierrette")}
    | {("manuel", "manuelle"), ("samuel", "samuelle"), ("eric", "erica")}
    # One letter apart, so scored as typos (90 and more) unless listed: Mario is not Marie.
    | {("mario", "marie"), ("mario", "maria"), ("marius", "marie"), ("jules", "julie")}
    | {("alexis", "alexia"), ("leon", "leonie"), ("luc", "luce"), ("gael", "gaelle")}
    | {("ivan", "ivana"), ("carlo", "carla"), ("antonio", "antonia"), ("sandro", "sandra")}
    | {("roberto", "roberta"), ("bruno", "bruna"), ("fabio", "fabia"), ("adel", "adele")}
    | {("daniel", "daniela"), ("gabriel", "gabriela"), ("emilio", "emilia"), ("lucas", "lucia")}
    | {("mathis", "mathilde"), ("eloi", "eloise"), ("francis", "francine"), ("ange", "angele")}
    | {("aurelien", "aurelie"), ("stephane", "stephanie"), ("julien", "julie")}
    | {("lucien", "lucie"), ("emilien", "emilie"), ("valery", "valerie"), ("eugene", "eugenie")}
)

# Words of a family firm's name that say nothing of its trade ("Martin et Fils", "Martin Frères").
FAMILY_WORDS: Final = frozenset(
    {"et", "fils", "fille", "filles", "freres", "frere", "soeurs", "cie", "associes", "pere"}
)

_LIGATURES: Final = str.maketrans({"œ": "oe", "æ": "ae"})
_NON_WORD: Final = re.compile(r"[\W_]+")
_DOTTED_ACRONYM: Final = re.compile(r"(?<!\w)\w(?:\.\w)+\.?(?!\w)")
_VOWELS: Final = frozenset("aeiou")
_PHONETIC_RULES: Final = (
    ("sch", "s"),
    ("ph", "f"),
    ("qu", "k"),
    ("ck", "k"),
    ("ch", "s"),
    ("gu", "g"),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "si"),
    ("c", "k"),
    ("q", "k"),
    ("w", "v"),
    ("z", "s"),
    ("y", "i"),
    ("h", ""),
    ("bv", "v"),
    ("x", "s"),
)


def normalize_name(text: str) -> str:
    """Casefold, strip accents, expand œ/æ, punctuation to spaces, collapse spaces."""
    folded = text.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded.translate(_LIGATURES))
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", folded).split())


def normalize_company(text: str) -> str:
    """``normalize_name`` without legal forms: "SARL Dupont & Cie" -> "dupont"."""
    folded = text.casefold().replace("&", " et ")
    # S.A.R.L. must become one word before punctuation turns its dots into spaces.
    folded = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), folded)
    words = normalize_name(folded).split()
    kept: list[str] = []
    for word in words:
        if word in ("cie", "compagnie") and kept and kept[-1] == "et":
            kept.pop()
        elif word not in LEGAL_FORMS and not (word == "cie" and kept):
            kept.append(word)
    return " ".join(kept) if kept else " ".join(words)


def _is_initials(word: str) -> bool:
    # "JP", "JM", "PY": a short word without a vowel is initials, not a first name.
    return len(word) == 1 or (len(word) <= 3 and not _VOWELS.intersection(word))


def _is_capitals(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    if len(letters) < 2 or "." in token or not all(ch.isupper() for ch in letters):
        return False
    return not _is_initials(normalize_name(token).replace(" ", ""))


def _drop_civilities(tokens: list[str]) -> list[str]:
    while len(tokens) > 1 and normalize_name(tokens[0]) in CIVILITIES:
        tokens = tokens[1:]
    return tokens


def split_full_name(text: str) -> tuple[str, str]:
    """A full name written in one cell -> (first name, last name), spelling kept.

    Rules, in order: leading civilities (M., Mme, Mlle, Dr, Pr, Me, Monsieur...) are dropped; a
    comma puts the last name first ("Dupont, Jean"); words in capitals (two letters or more, no
    dot) are the last name, with the particles just before them ("Jean de LA FONTAINE"); otherwise
    the last word is the last name with the particles before it ("Jean de la Fontaine"), unless it
    is initials ("DUPONT JP"). A single word is a last name.
    """
    if "," in text:
        last, first = text.split(",", 1)
        last_words = _drop_civilities(last.split())
        return " ".join(_drop_civilities(first.split())), " ".join(last_words)
    tokens = _drop_civilities(text.split())
    if len(tokens) <= 1:
        return "", " ".join(tokens)
    capitals = [i for i, token in enumerate(tokens) if _is_capitals(token)]
    if capitals and len(capitals) < len(tokens):
        start = capitals[0]
        while start > 0 and normalize_name(tokens[start - 1]) in PARTICLES:
            start -= 1
        in_last = set(capitals) | set(range(start, capitals[0]))
    elif _is_initials(normalize_name(tokens[-1]).replace(" ", "")):
        in_last = set(range(len(tokens) - 1))
    else:
        start = len(tokens) - 1
        while start > 0 and normalize_name(tokens[start - 1]) in PARTICLES:
            start -= 1
        in_last = set(range(start, len(tokens)))
    first_words = [token for i, token in enumerate(tokens) if i not in in_last]
    last_words = [token for i, token in enumerate(tokens) if i in in_last]
    return " ".join(first_words), " ".join(last_words)


def person_tokens(first: str, last: str) -> PersonTokens:
    """("J.-P.", "de la Fontaine") -> (("j", "p"), "fontaine", "delafontaine").

    First-name words with leading civilities dropped and initials split ("JP" -> "j", "p"); the
    last name joined, without its particles and with them.
    """
    words = normalize_name(first).split()
    # "M." or "M. Jean" in a first-name column is Monsieur; "M.-H." is Marie-Hélène.
    while words and words[0] in CIVILITIES:
        if len(words[0]) == 1 and len(words) > 1 and len(words[1]) == 1:
            break
        words = words[1:]
    first_words: list[str] = []
    for word in words:
        first_words.extend(word if _is_initials(word) else (word,))
    last_words = normalize_name(last).split()
    significant = [word for word in last_words if word not in PARTICLES] or last_words
    return PersonTokens(tuple(first_words), "".join(significant), "".join(last_words))


def gendered(a: str, b: str) -> bool:
    # Only two known first names: Pierre/Pierr or Nathalie/Nathaliee are typos, not a sister.
    return (a, b) in GENDERED_PAIRS or (b, a) in GENDERED_PAIRS


def first_score(x: tuple[str, ...], y: tuple[str, ...]) -> float:
    if x == y:
        return 100.0
    if len(x) > len(y):
        x, y = y, x
    if len(x) == 1 and len(x[0]) == 2 and len(y) == 2:
        # "AS" beside a compound name is its initials (Anne-Sophie), not a first name.
        x = tuple(x[0])
    if gendered("".join(x), "".join(y)):
        return 0.0
    if len(x) < len(y) and all(len(word) == 1 for word in x):
        # One initial may stand for a compound name (J. Dupont = Jean-Pierre Dupont), less surely.
        return 90.0 if all(u == v[0] for u, v in zip(x, y, strict=False)) else 0.0
    if len(x) == len(y) and any(len(word) == 1 for word in x + y):
        return min(
            (100.0 if u[0] == v[0] else 0.0) if len(u) == 1 or len(v) == 1 else ratio(u, v)
            for u, v in zip(x, y, strict=True)
        )
    return ratio("".join(x), "".join(y))


def _oriented_score(a: PersonTokens, b: PersonTokens) -> float:
    if not a.last or not b.last:
        return 0.0
    last = max(ratio(a.last, b.last), ratio(a.last_with_particles, b.last_with_particles))
    if not a.first or not b.first:
        return last
    first = first_score(a.first, b.first)
    if first < 70.0 or last < 75.0:
        return min(first, last)
    return 0.6 * last + 0.4 * first


def person_pair(
    a: PersonTokens, a_swapped: PersonTokens, b: PersonTokens, b_swapped: PersonTokens
) -> float:
    score = _oriented_score(a, b)
    if score < 100.0:
        # Both swaps, so that the score of (a, b) is the score of (b, a).
        score = max(score, _oriented_score(a_swapped, b), _oriented_score(a, b_swapped))
    return score


def person_score(first_a: str, last_a: str, first_b: str, last_b: str) -> float:
    """0..100 similarity of two person names, the best of straight and swapped readings."""
    return person_pair(
        person_tokens(first_a, last_a),
        person_tokens(last_a, first_a),
        person_tokens(first_b, last_b),
        person_tokens(last_b, first_b),
    )


def normalize_city(text: str) -> str:
    words: list[str] = []
    for word in normalize_name(text).split():
        if word == "cedex" or any(ch.isdigit() for ch in word):
            continue
        words.append({"st": "saint", "ste": "sainte", "s": "sur"}.get(word, word))
    return "".join(words)


def normalize_postcode(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    # Excel drops the leading zero of Ain, Aisne... postcodes (01000 -> 1000).
    return "0" + digits if len(digits) == 4 else digits


def phonetic(text: str) -> str:
    for old, new in _PHONETIC_RULES:
        text = text.replace(old, new)
    if not text:
        return ""
    code = [text[0]]
    for ch in text[1:]:
        if ch not in _VOWELS and ch != code[-1]:
            code.append(ch)
    while len(code) > 1 and code[-1] in "tdsx":
        code.pop()
    return "".join(code[:4])
