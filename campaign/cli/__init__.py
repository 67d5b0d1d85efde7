"""The ``campaign`` command: a thin skin over the ``suppression`` and ``campaign`` libraries.

Each command reads its options, opens one transaction, calls one library function and prints
the result (``--json`` for scripts). Library errors are turned into ``Error: ...`` and exit 1
in one place (``CampaignGroup.invoke`` in ``base``); usage errors exit 2. One module per
command area registers its commands on the group:

    base        the group, global options, shared helpers (dates, JSON, progress bar)
    numbers     lists, optout, screen, audit
    contacts    new, list, show, import, dedupe, merges, unmerge, calllist
    rules       can-call, check, consent, contract, relationship, rules
    outcomes    log, outcomes import, funnel, report, demo
    data        db upgrade, db current, db backup, purge
"""

from campaign.cli import contacts, data, numbers, outcomes, rules
from campaign.cli.base import cli, main

__all__ = ["cli", "contacts", "data", "main", "numbers", "outcomes", "rules"]
