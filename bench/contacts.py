"""Seeded French contact sets whose true duplicates are known, for measuring deduplication.

``french_contacts(size, seed)`` returns a ``ContactSet``: contacts as ``campaign.matching`` sees
them (E.164 numbers, free-text names, companies, towns) and the person each one really is.

* About one person in five appears 2 to 4 times, each copy damaged the way CRM imports damage
  contacts: a one-character typo, an abbreviation (``J.-P.``, ``Sté``, ``St-Étienne``), a case
  change, accents dropped, first and last names swapped, missing fields, a second or another
  number, another e-mail. ``ContactSet.tags`` says which damage each record carries.
* Traps: different people who look alike. Namesakes in another town, namesakes with a common
  name in the same big city, and colleagues in the same company (same SIREN, often the same
  switchboard number). ``ContactSet.traps`` lists them. Common names also collide by chance.

Same seed, same set, whatever PYTHONHASHSEED: sets are only used for membership tests.
"""

from __future__ import annotations

import bisect
import itertools
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from typing import Generic, TypeVar

from campaign.matching import ContactRecord

NOISE_KINDS = (
    "typo",
    "abbreviation",
    "case",
    "accents",
    "swap",
    "missing",
    "second_number",
    "other_number",
    "other_email",
)
TRAP_KINDS = ("namesake_other_town", "namesake_same_city", "colleague")


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for line in text.strip().splitlines() for w in line.split(",") if w)


# Most common first: the weights below follow the order.
FIRST_NAMES = _words("""
    Jean, Marie, Pierre, Nathalie, Michel, Isabelle, Philippe, Sylvie, Nicolas, Catherine
    Christophe, Sandrine, Laurent, Céline, Stéphane, Valérie, Éric, Sophie, Frédéric, Christine
    Olivier, Stéphanie, Sébastien, Aurélie, Julien, Émilie, Thierry, Julie, François, Camille
    David, Véronique, Patrick, Hélène, Alain, Cécile, Thomas, Françoise, Vincent, Laetitia
    Jean-Pierre, Anne-Sophie, Jean-François, Marie-Christine, Jean-Luc, Marie-Hélène
    Jean-Marc, Anne-Marie, Jean-Claude, Marie-Claude, Jean-Michel, Marie-Laure, Jean-Paul
    Pierre-Yves, Jean-Baptiste, Marie-Thérèse, Jean-Louis, Marie-Noëlle, Jean-Noël, Paul-Henri
    Jérôme, Delphine, Benoît, Agnès, Guillaume, Mélanie, Antoine, Virginie, Maxime, Karine
    Romain, Corinne, Mathieu, Brigitte, Cédric, Martine, Hervé, Pauline, Yves, Clémence
    Loïc, Élodie, Raphaël, Noémie, Gaël, Gaëlle, Rémi, Anaïs, Aurélien, Chloé, Damien, Léa
    Ludovic, Manon, Xavier, Inès, Gilles, Zoé, Régis, Océane, Joël, Maëlle, Grégory, Solène
    Jérémy, Héloïse, Mickaël, Bérénice, Kévin, Eugénie, Hugo, Margaux, Lucas, Justine
    Mathéo, Jade, Théo, Louise, Arthur, Alice, Noé, Lina, Karim, Fatima, Mehdi, Nadia
    Sofiane, Yasmine, Mohamed, Sarah, Bruno, Annick, Didier, Josiane, Serge, Ghislaine
""")
LAST_NAMES = _words("""
    Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent
    Simon, Michel, Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard
    Bonnet, Dupont, Lambert, Fontaine, Rousseau, Vincent, Muller, Lefèvre, Faure, André
    Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, François, Legrand, Gauthier, Garcia
    Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu, Gautier, Masson
    Marchand, Duval, Denis, Dumont, Lemaire, Noël, Meyer, Dufour, Meunier, Brun
    Blanchard, Giraud, Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez
    Gérard, Roche, Renard, Schmitt, Roy, Leroux, Colin, Vidal, Caron, Picard
    Roger, Fabre, Aubert, Lemoine, Renaud, Dumas, Lacroix, Olivier, Bourgeois, Benoît
    Rey, Leclerc, Payet, Rolland, Leclercq, Guillaume, Lecomte, Lopez, Dupuy, Guillot
    Hubert, Berger, Carpentier, Sanchez, Dupuis, Moulin, Deschamps, Huet, Vasseur, Perez
    Boucher, Fleury, Royer, Klein, Jacquet, Adam, Poirier, Marty, Aubry, Guyot
    Carré, Charpentier, Ménard, Maillard, Baron, Bertin, Bailly, Hervé, Schneider, Fernandez
    Le Gall, Collet, Léger, Bouvier, Prévost, Millet, Perrot, Le Roux, Cousin, Germain
    Breton, Besson, Langlois, Rémy, Le Goff, Pelletier, Lévêque, Perrier, Leblanc, Barré
    Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger, Jacob, Monnier, Michaud, Rodriguez
    Guichard, Gillet, Étienne, Grondin, Poulain, Tessier, Chevallier, Chauvin, Da Silva
    Bouchet, Lemaître, Bénard, Maréchal, Humbert, Reynaud, Hoarau, Barthélemy, Cordier
    Pichon, Lejeune, Gilbert, Delaunay, Pasquier, Carlier, Laporte, Nguyen, Dos Santos
    Ferreira, Pereira, Rodrigues, Gonçalves, Haddad, Benali, Le Bihan, Le Floch, Le Corre
    Le Guen, Le Meur, de la Motte, de Villiers, du Plessis, de Lattre, du Bois, de Sousa
    de Oliveira, de Saint-Germain, Le Clerc, Castagné, Lefranc, Desjardins, Vallée, Lagarde
""")
# A long tail of plausible surnames, so that most people do not share a name by chance.
_ROOTS = _words("""
    Bou, Mar, Char, Ber, Lau, Gui, Four, Roch, Mal, Ven, Bar, Chau, Mor, Del, Fer
    Gal, Lam, Pel, Tes, Vau, Bel, Cour, Duc, Guil, Mon, Ri, Sau, Thi, Val, Ray
""")
_ENDINGS = _words("""
    chard, ret, det, lot, nier, ault, in, eau, el, ier, on, and, ot, et, aud, ard, elle
    ain, ais, enne
""")
RARE_LAST_NAMES = tuple(
    name
    for name in dict.fromkeys(
        root + end
        for root, end in itertools.product(_ROOTS, _ENDINGS)
        if not (root[-1] in "aeiouy" and end[0] in "aeiouy")  # "Thiin", "Saueau"
    )
    if name not in LAST_NAMES
)

ACTIVITIES = _words("""
    Plomberie, Menuiserie, Boulangerie, Pâtisserie, Électricité, Maçonnerie, Couverture
    Charpente, Peinture, Carrelage, Chauffage, Climatisation, Transports, Déménagements
    Garage, Carrosserie, Auto-école, Conseil, Informatique, Expertise Comptable, Immobilier
    Assurances, Optique, Pharmacie, Restaurant, Brasserie, Traiteur, Fleurs, Coiffure
    Pressing, Imprimerie, Nettoyage, Paysages, Sécurité, Formation, Architecture
    Ambulances, Taxi, Vins, Fromagerie, Boucherie, Quincaillerie, Bâtiment, Étanchéité
    Serrurerie, Vitrerie, Travaux Publics, Énergies, Câblage
""")
PLACES = _words("""
    du Centre, des Alpes, de l'Ouest, du Littoral, de la Gare, du Port, Saint-Michel
    des Trois Vallées, du Val de Loire, de Provence, Côte d'Azur, Atlantique, du Rhône
""")
BRANDS = _words("""
    Néotech, Batiservices, Arcadia, Horizon, Alliance, Azur Habitat, Cap Conseil, Écobat
    Hélios, Idéal Confort, Optima, Proxim, Vitalis, Domo Services, Eurofroid, Alpha Clim
    Bati Plus, Net Express, Opale, Ligne Bleue, Sud Énergie, Grand Ouest Logistique
""")
# (form, weight, long form written out in full in some files)
LEGAL_FORMS = (
    ("SARL", 30, ""),
    ("SAS", 25, ""),
    ("SASU", 10, ""),
    ("EURL", 10, ""),
    ("SA", 4, ""),
    ("SNC", 2, ""),
    ("Ets", 7, "Établissements"),
    ("Sté", 5, "Société"),
    ("", 7, ""),
)
_SMALL_TOWNS = _words("""
    Saint-Étienne 42000 10, Le Havre 76600 10, Reims 51100 10, Toulon 83000 10
    Grenoble 38000 10, Dijon 21000 8, Angers 49000 8, Nîmes 30000 8, Villeurbanne 69100 8
    Clermont-Ferrand 63000 8, Le Mans 72000 7, Aix-en-Provence 13100 7, Brest 29200 7
    Tours 37000 7, Amiens 80000 6, Limoges 87000 6, Annecy 74000 6, Perpignan 66000 6
    Boulogne-Billancourt 92100 6, Metz 57000 6, Besançon 25000 6, Orléans 45000 6
    Saint-Denis 93200 6, Rouen 76000 6, Mulhouse 68100 5, Caen 14000 5, Nancy 54000 5
    Roubaix 59100 4, Nanterre 92000 4, Vitry-sur-Seine 94400 4, Avignon 84000 4
    Créteil 94000 4, Poitiers 86000 4, Versailles 78000 4, Asnières-sur-Seine 92600 3
    Rueil-Malmaison 92500 3, Pau 64000 3, La Rochelle 17000 3, Saint-Maur-des-Fossés 94100 3
    Cannes 06400 3, Béziers 34500 3, Colmar 68000 3, Bourges 18000 3, Mérignac 33700 3
    Saint-Nazaire 44600 3, Ajaccio 20000 3, Issy-les-Moulineaux 92130 3, Quimper 29000 2
    Valence 26000 2, Troyes 10000 2, Chambéry 73000 2, Niort 79000 2, Lorient 56100 2
    Vannes 56000 2, Saint-Malo 35400 2, Chartres 28000 2, Angoulême 16000 2, Bayonne 64100 2
    Périgueux 24000 2, Albi 81000 2, Montauban 82000 2, Mâcon 71000 2, Épinal 88000 2
    Châlons-en-Champagne 51000 2, Charleville-Mézières 08000 2, Saint-Brieuc 22000 2
    Bourg-en-Bresse 01000 2, Thonon-les-Bains 74200 1, Montélimar 26200 1, Sète 34200 1
    Fréjus 83600 1, Saint-Rémy-de-Provence 13210 1, L'Isle-sur-la-Sorgue 84800 1
    Villefranche-sur-Saône 69400 1, Saint-Jean-de-Luz 64500 1, Les Sables-d'Olonne 85100 1
    La Roche-sur-Yon 85000 1, Château-Thierry 02400 1, Pont-l'Abbé 29120 1
    Sainte-Maxime 83120 1, Le Puy-en-Velay 43000 1
""")


def _town(entry: str) -> tuple[str, str, str]:
    city, postcode, weight = entry.rsplit(" ", 2)
    return city, postcode, weight


# (city, postcodes, weight): big cities have one postcode per district.
TOWNS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("Paris", tuple(f"750{n:02d}" for n in range(1, 21)), 120),
    ("Marseille", tuple(f"130{n:02d}" for n in range(1, 17)), 45),
    ("Lyon", tuple(f"6900{n}" for n in range(1, 10)), 40),
    ("Toulouse", ("31000", "31100", "31200", "31300", "31400", "31500"), 30),
    ("Nice", ("06000", "06100", "06200", "06300"), 20),
    ("Nantes", ("44000", "44100", "44200", "44300"), 20),
    ("Bordeaux", ("33000", "33100", "33200", "33300", "33800"), 20),
    ("Lille", ("59000", "59160", "59260", "59800"), 18),
    ("Strasbourg", ("67000", "67100", "67200"), 18),
    ("Montpellier", ("34000", "34070", "34080", "34090"), 18),
    ("Rennes", ("35000", "35200", "35700"), 14),
    *((city, (postcode,), int(weight)) for city, postcode, weight in map(_town, _SMALL_TOWNS)),
)
BIG_CITIES = tuple(i for i, (_, postcodes, _) in enumerate(TOWNS) if len(postcodes) > 1)
# Geographic numbers start with the digit of the region: 1 Île-de-France, 2 north-west,
# 3 north-east, 4 south-east, 5 south-west.
_ZONE_DEPARTMENTS = {
    "1": "75 77 78 91 92 93 94 95",
    "2": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85",
    "3": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "4": "01 03 04 05 06 07 11 13 15 20 26 30 34 38 42 43 48 63 66 69 73 74 83 84",
}
ZONE = {dep: zone for zone, deps in _ZONE_DEPARTMENTS.items() for dep in deps.split()}
# These fixed prefixes are overseas (0262, 0263, 0269, 0508, 0590, 0594, 0596): campaign reads
# them as such, so a "+33" mainland number must avoid them.
OVERSEAS_FIXED = ("262", "263", "269", "508", "590", "594", "596")
EMAIL_PROVIDERS = (
    ("gmail.com", 40),
    ("orange.fr", 15),
    ("free.fr", 10),
    ("wanadoo.fr", 8),
    ("hotmail.fr", 8),
    ("sfr.fr", 5),
    ("laposte.net", 5),
    ("yahoo.fr", 5),
    ("outlook.fr", 4),
)
# AZERTY neighbours: the typos people make on a French keyboard.
_AZERTY = ("azertyuiop", "qsdfghjklm", "wxcvbn")
_KEY_ROW = {ch: (row, col) for row, keys in enumerate(_AZERTY) for col, ch in enumerate(keys)}


@dataclass(frozen=True, slots=True)
class ContactSet:
    """Contacts, the true person behind each, the damage each carries, and the look-alikes."""

    records: tuple[ContactRecord, ...]
    entity: tuple[int, ...]  # entity[i]: the person behind records[i]
    tags: tuple[tuple[str, ...], ...]  # tags[i]: NOISE_KINDS applied to records[i]
    traps: tuple[tuple[int, int, str], ...]  # (person, the person they look like, TRAP_KINDS)


@dataclass(slots=True)
class _Company:
    name: str
    siren: str
    switchboard: str
    domain: str
    town: int
    postcode: str


@dataclass(slots=True)
class _Person:
    first: str
    last: str
    company: _Company
    numbers: list[str]
    pro_email: str
    personal_email: str
    town: int = 0
    postcode: str = ""
    has_siren: bool = True


@dataclass(slots=True)
class _Draft:
    first_name: str
    last_name: str
    company: str
    numbers: list[str]
    email: str
    siren: str
    postcode: str
    city: str
    tags: list[str] = field(default_factory=list)


T = TypeVar("T")


class _Weighted(Generic[T]):
    """rng.choices without rebuilding the cumulative weights at every draw."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]


_FIRST = _Weighted(FIRST_NAMES, [1 / (rank + 3) ** 0.6 for rank in range(len(FIRST_NAMES))])
_COMMON_WEIGHTS = [1 / (rank + 1) ** 0.35 for rank in range(len(LAST_NAMES))]
# The common names hold 40 % of the people, as the top few hundred French names do.
_LAST = _Weighted(
    LAST_NAMES + RARE_LAST_NAMES,
    _COMMON_WEIGHTS + [1.5 * sum(_COMMON_WEIGHTS) / len(RARE_LAST_NAMES)] * len(RARE_LAST_NAMES),
)
_TOWN = _Weighted(list(range(len(TOWNS))), [w for _, _, w in TOWNS])
_FORM = _Weighted(list(range(len(LEGAL_FORMS))), [w for _, w, _ in LEGAL_FORMS])
_PROVIDER = _Weighted([p for p, _ in EMAIL_PROVIDERS], [w for _, w in EMAIL_PROVIDERS])


def fold(text: str) -> str:
    """Accents dropped, the way old systems and exports drop them."""
    text = text.replace("œ", "oe").replace("Œ", "OE")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def siren_check_digit(first_eight: str) -> str:
    """The Luhn digit that makes a valid SIREN."""
    total = 0
    for position, ch in enumerate(reversed(first_eight)):
        digit = int(ch) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def mobile_number(rng: random.Random) -> str:
    if rng.random() < 0.75:
        # 0639 (Mayotte) and 069x (the Antilles, Guyane, Réunion) are overseas mobiles.
        second = rng.choice("012345678")
        third = rng.choice("012345678" if second == "3" else "0123456789")
        return f"+336{second}{third}{rng.randrange(10**6):06d}"
    return f"+337{rng.choice('3456789')}{rng.randrange(10**7):07d}"


def fixed_number(rng: random.Random, postcode: str) -> str:
    zone = ZONE.get(postcode[:2], "5")
    while True:
        prefix = f"{zone}{rng.randrange(10, 100)}"
        if prefix not in OVERSEAS_FIXED:
            return f"+33{prefix}{rng.randrange(10**6):06d}"


def _slug(text: str) -> str:
    return "".join(ch for ch in fold(text).lower() if ch.isalnum() or ch in "-.")


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used_numbers: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_domains: set[str] = set()

    def unique_number(self, make: str, postcode: str = "") -> str:
        while True:
            number = (
                mobile_number(self.rng) if make == "mobile" else fixed_number(self.rng, postcode)
            )
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def unique_email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.used_emails.add(email)
        return email

    def company(self, last: str, town: int) -> _Company:
        rng = self.rng
        form, _, long_form = LEGAL_FORMS[_FORM.pick(rng)]
        activity = rng.choice(ACTIVITIES)
        shape = rng.random()
        if form in ("Ets", "Sté") or shape < 0.3:
            core = f"{activity} {last}" if rng.random() < 0.5 else last
        elif shape < 0.5:
            core = f"{last} {activity}"
        elif shape < 0.6:
            core = f"{last} et Fils"
        elif shape < 0.75:
            core = f"{activity} {rng.choice(PLACES)}"
        elif shape < 0.85:
            core = f"{activity} {TOWNS[town][0]}"
        else:
            core = rng.choice(BRANDS)
        if form in ("Ets", "Sté"):
            name = f"{long_form if rng.random() < 0.4 else form} {core}"
        elif form:
            name = f"{form} {core}" if rng.random() < 0.6 else f"{core} {form}"
        else:
            name = core
        postcode = rng.choice(TOWNS[town][1])
        stem = _slug(core.replace(" ", "-" if rng.random() < 0.5 else ""))
        tld = "fr" if rng.random() < 0.7 else "com"
        domain, n = f"{stem}.{tld}", 1
        # Two companies never share a domain, so never a mailbox: "Optima" in Angers and in
        # Issy are optima.fr and optima-issy-les-moulineaux.fr.
        while domain in self.used_domains:
            n += 1
            domain = f"{stem}-{_slug(TOWNS[town][0])}.{tld}" if n == 2 else f"{stem}{n}.{tld}"
        self.used_domains.add(domain)
        first_eight = f"{rng.randrange(1, 10)}{rng.randrange(10**7):07d}"
        switchboard = self.unique_number("fixed", postcode)
        return _Company(
            name, first_eight + siren_check_digit(first_eight), switchboard, domain, town, postcode
        )

    def person(
        self,
        first: str | None = None,
        last: str | None = None,
        town: int | None = None,
        company: _Company | None = None,
    ) -> _Person:
        rng = self.rng
        first = first or _FIRST.pick(rng)
        last = last or _LAST.pick(rng)
        if company is None:
            company = self.company(last, _TOWN.pick(rng) if town is None else town)
        numbers: list[str] = []
        if rng.random() < 0.85:
            numbers.append(self.unique_number("mobile"))
        if rng.random() < 0.25:
            numbers.append(self.unique_number("fixed", company.postcode))
        if not numbers or rng.random() < 0.1:
            numbers.append(company.switchboard)
        f, la = _slug(first), _slug(last.replace(" ", ""))
        local = rng.choice((f"{f}.{la}", f"{f[0]}.{la}", f"{f[0]}{la}", f"{la}", f"{f}"))
        pro = self.unique_email(local, company.domain) if rng.random() < 0.85 else ""
        if rng.random() < 0.05:
            pro = f"contact@{company.domain}"  # shared by everyone at the company
        personal = ""
        if not pro or rng.random() < 0.3:
            personal = self.personal_email(first, last)
        return _Person(
            first,
            last,
            company,
            numbers,
            pro,
            personal,
            company.town,
            company.postcode,
            rng.random() < 0.75,
        )

    def personal_email(self, first: str, last: str) -> str:
        rng = self.rng
        f, la = _slug(first), _slug(last.replace(" ", ""))
        local = rng.choice(
            (f"{f}.{la}", f"{f}{la}", f"{f[0]}{la}", f"{la}.{f}", f"{f}.{la}{rng.randrange(100)}")
        )
        return self.unique_email(local, _PROVIDER.pick(rng))

    def draft(self, p: _Person) -> _Draft:
        # A record shows one number and one e-mail, like most CRM rows.
        return _Draft(
            p.first,
            p.last,
            p.company.name,
            p.numbers[:1],
            p.pro_email or p.personal_email,
            p.company.siren if p.has_siren else "",
            p.postcode,
            TOWNS[p.town][0],
        )

    def damaged(self, p: _Person, kinds: Sequence[str]) -> _Draft:
        d = self.draft(p)
        rng = self.rng
        for kind in sorted(kinds, key=NOISE_KINDS.index):
            before = astuple(d)
            if kind == "second_number" or kind == "other_number":
                other = [n for n in [*p.numbers, p.company.switchboard] if n not in d.numbers]
                if not other:
                    other = [self.unique_number("mobile")]
                    p.numbers.append(other[0])
                d.numbers = [*d.numbers, other[0]] if kind == "second_number" else other[:1]
            elif kind == "other_email":
                if d.email and d.email == p.personal_email:
                    d.email = p.pro_email or self.personal_email(p.first, p.last)
                else:
                    p.personal_email = p.personal_email or self.personal_email(p.first, p.last)
                    d.email = p.personal_email
            elif kind == "missing":
                present = [
                    f
                    for f, v in (
                        ("numbers", d.numbers),
                        ("email", d.email),
                        ("company", d.company),
                        ("siren", d.siren),
                        ("postcode", d.postcode),
                    )
                    if v
                ]
                for name in rng.sample(present, min(len(present), 1 + (rng.random() < 0.3))):
                    if name == "numbers":
                        d.numbers = []
                    elif name == "postcode":
                        d.postcode = d.city = ""
                    else:
                        setattr(d, name, "")
            elif kind == "abbreviation":
                _abbreviate(d, rng)
            elif kind == "typo":
                target = rng.choices(
                    ("last_name", "first_name", "company", "email", "city", "postcode"),
                    (40, 22, 13, 13, 6, 6),
                )[0]
                if len(getattr(d, target)) < 4:
                    target = "last_name"
                setattr(d, target, typo(getattr(d, target), rng))
            elif kind == "accents":
                d.first_name, d.last_name = fold(d.first_name), fold(d.last_name)
                d.company, d.city = fold(d.company), fold(d.city)
            elif kind == "case":
                _change_case(d, rng)
            elif kind == "swap":
                d.first_name, d.last_name = d.last_name, d.first_name
            # A tag is a promise that the record differs: accents dropped from "Martin" is none.
            if astuple(d) != before:
                d.tags.append(kind)
        return d


def typo(text: str, rng: random.Random) -> str:
    """One edit: a neighbouring key, a letter dropped, doubled, or two letters swapped."""
    if text.isdigit():
        # Postcodes: a digit swapped with its neighbour or mistyped, the length kept.
        i = rng.randrange(1, len(text) - 1)
        if rng.random() < 0.5:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text[:i] + str((int(text[i]) + rng.choice((1, 9))) % 10) + text[i + 1 :]
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if not letters:
        return text
    i = rng.choice(letters)
    edit = rng.random()
    if edit < 0.35:
        row, col = _KEY_ROW.get(fold(text[i]).lower(), (0, 0))
        keys = _AZERTY[row]
        new = rng.choice([keys[c] for c in (col - 1, col + 1) if 0 <= c < len(keys)])
        return text[:i] + (new.upper() if text[i].isupper() else new) + text[i + 1 :]
    if edit < 0.6:
        return text[:i] + text[i + 1 :]
    if edit < 0.8:
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i]


def _abbreviate(d: _Draft, rng: random.Random) -> None:
    if d.company and rng.random() < 0.35:
        for long, short in (
            ("Établissements", "Ets"),
            ("Société", "Sté"),
            ("SARL", "S.A.R.L."),
            ("Ets", "Établissements"),
            ("Sté", "Sté."),
        ):
            if d.company.startswith(long + " ") or d.company.endswith(" " + long):
                d.company = d.company.replace(long, short, 1)
                return
    if d.city.startswith(("Saint-", "Sainte-")) and rng.random() < 0.5:
        d.city = d.city.replace("Saint-", "St-").replace("Sainte-", "Ste-")
        return
    parts = d.first_name.split("-")
    if len(parts) > 1:
        d.first_name = rng.choice(
            (
                "-".join(p[0] + "." for p in parts),
                "".join(p[0] for p in parts),
                f"{parts[0]}-{parts[1][0]}.",
            )
        )
    else:
        d.first_name = d.first_name[0] + "."


def _change_case(d: _Draft, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.45:
        d.last_name = d.last_name.upper()
    elif roll < 0.7:
        d.first_name, d.last_name = d.first_name.upper(), d.last_name.upper()
        d.company, d.city = d.company.upper(), d.city.upper()
    elif roll < 0.9:
        d.first_name, d.last_name = d.first_name.lower(), d.last_name.lower()
    else:
        d.company = d.company.upper()


# Clusters: 20 % of people are duplicated; a duplicated person has 2, 3 or 4 records.
DUPLICATED = 0.2
CLUSTER_SIZES = ((2, 0.6), (3, 0.28), (4, 0.12))
NOISE_WEIGHTS = (
    ("typo", 22),
    ("abbreviation", 14),
    ("case", 16),
    ("accents", 14),
    ("swap", 6),
    ("missing", 14),
    ("second_number", 8),
    ("other_number", 5),
    ("other_email", 8),
)
TRAP_RATES = (("namesake_other_town", 0.03), ("namesake_same_city", 0.03), ("colleague", 0.03))


def french_contacts(size: int, seed: int = 7) -> ContactSet:
    """``size`` contacts with known duplicates and look-alikes; ids 1..size in random order."""
    g = _Generator(seed)
    rng = g.rng
    drafts: list[tuple[_Draft, int]] = []
    traps: list[tuple[int, int, str]] = []
    people = 0
    while len(drafts) < size:
        group = _people_to_add(g, traps, people)
        for person in group:
            count = 1
            if rng.random() < DUPLICATED:
                count = rng.choices([s for s, _ in CLUSTER_SIZES], [w for _, w in CLUSTER_SIZES])[0]
            for copy in range(count):
                if copy == 0:
                    # Singletons and first copies carry cosmetic damage too, so that "clean"
                    # is no sign of being the original.
                    kinds = (
                        [rng.choice(("case", "accents", "abbreviation"))]
                        if rng.random() < 0.25
                        else []
                    )
                else:
                    k = rng.choices((1, 2, 3), (45, 35, 20))[0]
                    kinds = _sample_kinds(rng, k)
                drafts.append((g.damaged(person, kinds), people))
            people += 1
    drafts = drafts[:size]
    rng.shuffle(drafts)
    records = tuple(
        ContactRecord(
            id=index,
            first_name=d.first_name,
            last_name=d.last_name,
            company=d.company,
            numbers=tuple(d.numbers),
            email=d.email,
            siren=d.siren,
            postcode=d.postcode,
            city=d.city,
        )
        for index, (d, _) in enumerate(drafts, start=1)
    )
    return ContactSet(
        records,
        tuple(e for _, e in drafts),
        tuple(tuple(d.tags) for d, _ in drafts),
        tuple(traps),
    )


def _sample_kinds(rng: random.Random, k: int) -> list[str]:
    kinds: list[str] = []
    names, weights = [n for n, _ in NOISE_WEIGHTS], [w for _, w in NOISE_WEIGHTS]
    while len(kinds) < k:
        kind = rng.choices(names, weights)[0]
        # One number change per record; the other kinds are independent.
        if kind not in kinds and not (
            kind.endswith("_number") and any(x.endswith("_number") for x in kinds)
        ):
            kinds.append(kind)
    return kinds


def _people_to_add(g: _Generator, traps: list[tuple[int, int, str]], next_id: int) -> list[_Person]:
    rng = g.rng
    roll, kind = rng.random(), ""
    for candidate, rate in TRAP_RATES:
        if roll < rate:
            kind = candidate
            break
        roll -= rate
    if not kind:
        return [g.person()]
    if kind == "namesake_other_town":
        base = g.person()
        other = _TOWN.pick(rng)
        while other == base.town:
            other = _TOWN.pick(rng)
        twin = g.person(base.first, base.last, town=other)
    elif kind == "namesake_same_city":
        town = rng.choice(BIG_CITIES)
        first, last = FIRST_NAMES[rng.randrange(15)], LAST_NAMES[rng.randrange(20)]
        base, twin = g.person(first, last, town=town), g.person(first, last, town=town)
    else:
        base = g.person()
        twin = g.person(company=base.company)
        twin.has_siren = base.has_siren = True
        if rng.random() < 0.5:
            # Both reached through the switchboard: a shared number that is no proof of identity.
            for p in (base, twin):
                if base.company.switchboard not in p.numbers:
                    p.numbers.append(base.company.switchboard)
    traps.append((next_id + 1, next_id, kind))
    return [base, twin]
