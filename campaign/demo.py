"""``campaign demo``: a complete example campaign whose true figures are known.

It plays a month of a small team's work through the library, exactly as a user would: an
opposition list, two prospect files (with duplicates across them), consents, a dedup merge, a
campaign check and a call list every Monday, then four agents' calls logged day by day. The
calls are simulated from a seed with realistic rates (about one attempt in eight reaches a
person; most of those refuse; a few per mille of the people dialled end in an appointment),
within the legal hours, never on a public holiday, at most four attempts per person, never
after a refusal; except a handful of planted violations (a call at 20:15, on a Saturday, after
a refusal, a fifth attempt) that the log must catch.

The simulator keeps its own count of what it did (``DemoTruth``): the people it brought to each
stage, by week and by agent, and the violations it planted. Tests check that the funnel and
the report computed from the database give exactly these figures.

The month is the four ISO weeks before the week of ``today``; the report is written for the
last of them. The demo refuses a database that already holds a campaign: it is meant for a
fresh one (``--db sqlite:///demo.db``).
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.calllist import export_calllist
from campaign.campaigns import new_campaign
from campaign.checks import check_campaign
from campaign.contacts import import_contacts
from campaign.dedupe import dedupe
from campaign.errors import ConflictError
from campaign.funnel import iso_week
from campaign.models import Campaign
from campaign.outcomes import NewCall, record_calls
from campaign.stages import STAGES, depth
from suppression.consents import import_consents
from suppression.lists import import_list
from suppression.phone import PhoneNumber, normalize

NAME = "demo"
PARIS = ZoneInfo("Europe/Paris")
AGENTS = ("lea", "marc", "sofia", "yanis")
# Every person has a name of their own, so dedup merges only the planted twins.
FIRST_NAMES = (
    "Anne", "Bruno", "Camille", "Denis", "Élodie", "François", "Gaëlle", "Hugo", "Inès",
    "Julien", "Karine", "Louis", "Manon", "Nicolas", "Océane", "Pascal", "Quentin", "Rose",
    "Sébastien", "Thierry", "Ursule", "Valérie", "William", "Yasmine", "Zoé", "Agathe",
    "Baptiste", "Clémence", "Damien", "Estelle", "Fabrice", "Gilles", "Hélène", "Isabelle",
    "Jérôme", "Laetitia",
)  # fmt: skip
LAST_NAMES = (
    "Dubois", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre", "Garcia", "Roux", "Fournier",
    "Morel", "Girard", "Mercier", "Dupont", "Lambert", "Bonnet", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Roussel", "Perrin", "Chevalier", "Gauthier", "Lemoine", "Brunet",
    "Schmitt", "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemaire",
    "Renaud",
)  # fmt: skip
TOWNS = (
    ("75011", "Paris"), ("69003", "Lyon"), ("13006", "Marseille"), ("31000", "Toulouse"),
    ("33000", "Bordeaux"), ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"),
)  # fmt: skip
# Outcome of an attempt that does not reach anyone, and of one that does (weights).
UNANSWERED = (
    ("no_answer", 55),
    ("voicemail", 30),
    ("busy", 9),
    ("wrong_number", 4),
    ("invalid", 2),
)
ANSWERED = (
    ("refused", 760),
    ("opt_out", 70),
    ("callback", 80),
    ("interested", 60),
    ("qualified", 20),
    ("converted", 10),
)
AFTER_CALLBACK = (("interested", 40), ("qualified", 25), ("converted", 15), ("refused", 20))
PEOPLE = 1200
REACH = 0.13  # the chance that an attempt reaches the person
MAX_ATTEMPTS = 4  # F9: never more than four in 30 days (the month has 28)
SLOTS = ((10, 0, 12, 45), (14, 0, 19, 45))  # F8: inside 10:00-13:00 and 14:00-20:00


@dataclass(frozen=True)
class SimCall:
    person: int
    number: str
    outcome: str
    at: datetime
    agent: str
    violation: str | None = None  # the rule the simulator broke on purpose


@dataclass
class DemoTruth:
    """What the simulator did, counted by itself."""

    campaign: str
    weeks: tuple[str, ...]
    report_week: str
    people: int  # contacts imported (after dedup)
    calls: int = 0
    stages: dict[str, int] = field(default_factory=dict)  # the whole month
    by_week: dict[str, dict[str, int]] = field(default_factory=dict)
    by_agent: dict[str, dict[str, int]] = field(default_factory=dict)  # the report's week
    violations: dict[str, int] = field(default_factory=dict)
    opt_outs: int = 0
    report: str | None = None


def run_demo(
    session: Session, *, seed: int = 1, today: date, workdir: str | Path | None = None
) -> DemoTruth:
    """Build the demo campaign in ``session`` (see the module docstring)."""
    if session.scalar(select(func.count()).select_from(Campaign)):
        raise ConflictError(
            "this database already holds campaigns: the demo needs a fresh one",
            hint="run it on another database, e.g. campaign demo --db sqlite:///demo.db",
        )
    rng = random.Random(seed)
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(days=28)
    days = _workdays(first_monday, this_monday)
    setup = datetime.combine(first_monday - timedelta(days=3), time(9), PARIS)
    with tempfile.TemporaryDirectory(prefix="campaign-demo-") as scratch:
        folder = Path(workdir or scratch)
        people = _prospects(rng, folder)
        _setup(session, folder, people, rng, setup)
        calls = _simulate(rng, people, days)
        for week, monday in enumerate(sorted({d - timedelta(days=d.weekday()) for d in days})):
            moment = datetime.combine(monday, time(9), PARIS)
            if week:  # each Monday, the week's copy of the list (new registrations)
                _write_list(folder, people, random.Random(seed * 100 + week), 2000 + 20 * week)
                import_list(session, folder / "opposition.txt", list_name="bloctel", now=moment)
            check_campaign(session, NAME, at=moment)
            export_calllist(
                session, NAME, folder / f"calllist-{monday}.csv", agents=AGENTS, now=moment
            )
        now = datetime.combine(this_monday, time(8), PARIS)
        for day in sorted({c.at.date() for c in calls}):
            batch = [c for c in calls if c.at.date() == day]
            record_calls(
                session,
                _campaign(session),
                [NewCall(c.number, c.outcome, c.at, c.agent) for c in batch],
                now=now,
            )
    mondays = [first_monday + timedelta(days=7 * week) for week in range(4)]
    weeks = tuple(iso_week(datetime.combine(day, time(12), PARIS), PARIS) for day in mondays)
    return _truth(calls, weeks, len(people))


def _workdays(first: date, end: date) -> list[date]:
    """Monday to Friday, public holidays excepted (F8, F11)."""
    closed = holidays.country_holidays("FR", years=sorted({first.year, end.year}))
    return [
        first + timedelta(days=n)
        for n in range((end - first).days)
        if (first + timedelta(days=n)).weekday() < 5 and first + timedelta(days=n) not in closed
    ]


@dataclass(frozen=True)
class _Person:
    id: int
    first: str
    last: str
    number: str
    town: tuple[str, str]
    opposed: bool
    twin: bool  # also in the second file (an exact duplicate merged by dedupe)


def _prospects(rng: random.Random, folder: Path) -> list[_Person]:
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    numbers: set[str] = set()
    people = []
    for index, (first, last) in enumerate(names[:PEOPLE]):
        number = ""
        while not number or number in numbers or not _metropolitan_mobile(number):
            number = f"06{rng.randrange(10**8):08d}"
        numbers.add(number)
        people.append(
            _Person(
                id=index,
                first=first,
                last=last,
                number=number,
                town=rng.choice(TOWNS),
                opposed=rng.random() < 0.04,
                twin=rng.random() < 0.03,
            )
        )
    salon = [p for p in people if p.id % 3]
    achat = [p for p in people if not p.id % 3 or p.twin]
    for name, rows in (("salon-2026.csv", salon), ("achat-fichier.csv", achat)):
        lines = ["Prénom;Nom;Portable;Code postal;Ville"]
        lines += [f"{p.first};{p.last};{p.number};{p.town[0]};{p.town[1]}" for p in rows]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return people


def _metropolitan_mobile(number: str) -> bool:
    """06 numbers of mainland France (0639, 069x... belong to overseas regions)."""
    parsed = normalize(number, "FR")
    return isinstance(parsed, PhoneNumber) and parsed.region == "FR"


def _setup(
    session: Session, folder: Path, people: Sequence[_Person], rng: random.Random, at: datetime
) -> None:
    _write_list(folder, people, random.Random(rng.random()), 2000)
    import_list(session, folder / "opposition.txt", list_name="bloctel", now=at)
    new_campaign(
        session,
        NAME,
        caller_id="01 62 00 00 00",
        purpose="bilan assurance habitation",
        labels={"converted": "rendez-vous obtenu"},
        now=at,
    )
    import_contacts(session, NAME, folder / "salon-2026.csv", source="salon 2026", now=at)
    import_contacts(session, NAME, folder / "achat-fichier.csv", source="achat", now=at)
    # Exact duplicates only: the demo's truth must not hang on fuzzy matching, which the dedup
    # benchmark measures on its own.
    dedupe(session, NAME, threshold=100.0, apply=True, now=at)
    given = (at - timedelta(days=40)).isoformat()
    lines = ["number;date;wording version"]
    lines += [f"{p.number};{given};web-v2" for p in people]
    (folder / "consents.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "forms.txt").write_text("signed web forms, export of 2026\n", encoding="utf-8")
    import_consents(session, folder / "consents.csv", proof=folder / "forms.txt", now=at)


def _write_list(folder: Path, people: Sequence[_Person], rng: random.Random, others: int) -> None:
    """The opposition list: the prospects who registered, and ``others`` other numbers."""
    listed = [p.number for p in people if p.opposed]
    listed += [f"01{rng.randrange(10**8):08d}" for _ in range(others)]
    (folder / "opposition.txt").write_text("\n".join(listed) + "\n", encoding="utf-8")


def _campaign(session: Session) -> Campaign:
    found = session.scalars(select(Campaign).where(Campaign.name == NAME)).one()
    return found


def _pick(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in table], weights=[w for _, w in table])[0]


def _moment(rng: random.Random, day: date) -> datetime:
    start_h, start_m, end_h, end_m = rng.choice(SLOTS)
    first = start_h * 60 + start_m
    minute = rng.randrange(first, end_h * 60 + end_m + 1)
    return datetime.combine(day, time(minute // 60, minute % 60), PARIS)


def _simulate(rng: random.Random, people: Sequence[_Person], days: Sequence[date]) -> list[SimCall]:
    """Each callable person (not on the list) gets up to four attempts on later and
    later workdays, until someone answers; a callback earns one more call. Seven people are
    set aside for the planted violations."""
    calls: list[SimCall] = []
    callable_people = [p for p in people if not p.opposed]
    planted, normal = callable_people[:7], callable_people[7:]
    for index, person in enumerate(normal):
        agent = AGENTS[index % len(AGENTS)]
        day_index = rng.randrange(len(days))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if day_index >= len(days):
                break
            answered = rng.random() < REACH
            outcome = _pick(rng, ANSWERED) if answered else _pick(rng, UNANSWERED)
            moment = _moment(rng, days[day_index])
            calls.append(SimCall(person.id, person.number, outcome, moment, agent))
            day_index += rng.randint(1, 4)
            if outcome == "callback" and day_index < len(days) and attempt < MAX_ATTEMPTS:
                follow = _pick(rng, AFTER_CALLBACK)
                moment = _moment(rng, days[day_index])
                calls.append(SimCall(person.id, person.number, follow, moment, agent))
            if answered or outcome in ("wrong_number", "invalid"):
                break
    calls += _planted(rng, planted, days)
    return sorted(calls, key=lambda c: (c.at, c.person))


def _planted(rng: random.Random, people: Sequence[_Person], days: Sequence[date]) -> list[SimCall]:
    """Mistakes a team makes, each one breaking exactly one rule, all in the last week."""
    last_week = [d for d in days if d >= days[-1] - timedelta(days=days[-1].weekday())]
    early = [d for d in days if d < last_week[0]]
    calls = []
    for person in people[:3]:  # F8: a call at 20:15
        at = datetime.combine(last_week[0], time(20, 15), PARIS)
        calls.append(SimCall(person.id, person.number, "no_answer", at, "marc", "outside_hours"))
    saturday = days[-1] - timedelta(days=days[-1].weekday() - 5)  # F8: a call on Saturday
    at = datetime.combine(saturday, time(11), PARIS)
    calls.append(SimCall(people[3].id, people[3].number, "busy", at, "yanis", "weekend"))
    for person in people[4:6]:  # F10: refused, called again within the 60 days
        calls.append(SimCall(person.id, person.number, "refused", _moment(rng, early[0]), "sofia"))
        at = _moment(rng, last_week[-1])
        calls.append(SimCall(person.id, person.number, "no_answer", at, "sofia", "cooloff"))
    person = people[6]  # F9: a fifth attempt within 30 days
    for day in early[:4]:
        calls.append(SimCall(person.id, person.number, "no_answer", _moment(rng, day), "lea"))
    at = _moment(rng, last_week[-1])
    calls.append(SimCall(person.id, person.number, "voicemail", at, "lea", "cap_reached"))
    return calls


def _truth(calls: Sequence[SimCall], weeks: tuple[str, ...], people: int) -> DemoTruth:
    truth = DemoTruth(
        campaign=NAME, weeks=weeks, report_week=weeks[-1], people=people, calls=len(calls)
    )
    truth.stages = _stage_counts(calls)
    for week in weeks:
        truth.by_week[week] = _stage_counts([c for c in calls if iso_week(c.at, PARIS) == week])
    final = [c for c in calls if iso_week(c.at, PARIS) == weeks[-1]]
    for agent in sorted({c.agent for c in final}):
        truth.by_agent[agent] = _stage_counts([c for c in final if c.agent == agent])
    planted: dict[str, int] = defaultdict(int)
    for call in calls:
        if call.violation:
            planted[call.violation] += 1
    truth.violations = dict(sorted(planted.items()))
    truth.opt_outs = sum(1 for c in calls if c.outcome == "opt_out")
    return truth


def _stage_counts(calls: Sequence[SimCall]) -> dict[str, int]:
    outcomes: dict[int, list[str]] = defaultdict(list)
    for call in calls:
        outcomes[call.person].append(call.outcome)
    depths = [depth(found) for found in outcomes.values()]
    return {stage: sum(1 for d in depths if d >= index) for index, stage in enumerate(STAGES)}
