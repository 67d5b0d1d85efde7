"""Commands on the calling rules: ``can-call``, ``check``, ``consent``, ``contract``,
``relationship``, ``rules``."""

from typing import Any

import click

from campaign import callcheck, checks
from campaign.cli.base import (
    cli,
    emit_json,
    json_option,
    now,
    parse_date,
    parse_datetime,
    say,
    session_for,
)
from campaign.rendering import render
from suppression import consents, rules
from suppression.settings import get_setting

# ---------------------------------------------------------------- rules & consent


def verdict_document(verdict: rules.Verdict) -> dict[str, Any]:
    return {
        "ok": verdict.ok,
        "profile": verdict.profile,
        "at": verdict.at.isoformat(),
        "next_allowed": verdict.next_allowed.isoformat() if verdict.next_allowed else None,
        "reasons": [
            {"code": r.code, "rule": r.rule, "message": r.message, "data": dict(r.data)}
            for r in verdict.reasons
        ],
    }


rules_option = click.option(
    "--rules",
    "rules_file",
    type=click.Path(dir_okay=False),
    help="A TOML file overriding the shipped rules.",
)


@cli.command("can-call")
@click.argument("number")
@click.option("--campaign", "campaign_name", help="Judge as a call of this campaign.")
@click.option(
    "--at", "at", metavar="DATETIME", help="When (ISO; default now; no offset = local time)."
)
@click.option("--caller-id", metavar="NUMBER", help="Without --campaign: the number shown.")
@click.option("--state", metavar="XX", help="The callee's US state when known (FL: Florida).")
@rules_option
@json_option
@click.pass_context
def can_call(
    ctx: click.Context,
    number: str,
    campaign_name: str | None,
    at: str | None,
    caller_id: str | None,
    state: str | None,
    rules_file: str | None,
    as_json: bool,
) -> None:
    """Say whether NUMBER may be called now (exit 0), or every reason why not (exit 1).

    \b
    Examples:
      campaign can-call "06 12 34 56 78" --campaign rdv-pme
      campaign can-call +15105550123 --at 2026-11-23T20:30-08:00 --json
      campaign can-call +13055550123 --state FL --at 2026-11-23T20:30-05:00
    """
    with session_for(ctx, write=False) as session:
        verdict = callcheck.check_call(
            session,
            number,
            campaign=campaign_name,
            at=parse_datetime(at),
            caller_id=caller_id,
            rules=rules_file,
            state=state,
        )
    if as_json:
        emit_json(verdict_document(verdict))
    else:
        click.echo(render("verdict.txt", verdict=verdict))
    ctx.exit(0 if verdict.ok else 1)


@cli.command("check")
@click.argument("name")
@click.option("--at", "at", metavar="DATETIME", help="As of when (ISO; default now).")
@rules_option
@json_option
@click.pass_context
def check_command(
    ctx: click.Context, name: str, at: str | None, rules_file: str | None, as_json: bool
) -> None:
    """Check the whole campaign before the first call; exit 0 only if every rule passes.

    \b
    Example:
      campaign check rdv-pme
    """
    with session_for(ctx) as session:
        result = checks.check_campaign(session, name, at=parse_datetime(at), rules=rules_file)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(render("check.txt", result=result))
    ctx.exit(0 if result.passed else 1)


@cli.group("consent")
def consent_group() -> None:
    """The consent ledger: prior consents with their proof, and revocations (F19)."""


@consent_group.command("add")
@click.argument("number")
@click.option("--source", type=click.Choice(consents.SOURCES), required=True)
@click.option("--at", "at", metavar="DATETIME", required=True, help="When the person consented.")
@click.option("--wording-version", required=True, help="Version of the consent text shown.")
@click.option(
    "--proof",
    type=click.Path(dir_okay=False),
    required=True,
    help="The artefact (its SHA-256 is kept).",
)
@click.option("--scope", help="What the consent covers.")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def consent_add(
    ctx: click.Context,
    number: str,
    source: str,
    at: str,
    wording_version: str,
    proof: str,
    scope: str | None,
    region: str,
) -> None:
    """Record a consent to be called, with its proof.

    \b
    Example:
      campaign consent add "06 12 34 56 78" --source web --at 2026-09-01T10:00+02:00 \\
          --wording-version v3 --proof form-1234.pdf
    """
    with session_for(ctx) as session:
        event = consents.add_consent(
            session,
            number,
            source=source,
            at=parse_datetime(at),
            wording_version=wording_version,
            proof=proof,
            scope=scope,
            region=region,
            now=now(),
        )
        say(
            ctx,
            f"Consent #{event.id} recorded for {event.e164} (proof sha256 {event.proof_sha256}).",
        )


@consent_group.command("revoke")
@click.argument("number")
@click.option("--at", "at", metavar="DATETIME", help="When the person withdrew it (default now).")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def consent_revoke(ctx: click.Context, number: str, at: str | None, region: str) -> None:
    """Record that the person withdrew their consent (it wins over older consents)."""
    with session_for(ctx) as session:
        event = consents.revoke_consent(
            session, number, at=parse_datetime(at), region=region, now=now()
        )
        say(ctx, f"Consent of {event.e164} revoked.")


@consent_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--proof", type=click.Path(dir_okay=False), help="Proof of the whole file (default: the file)."
)
@click.option("--wording-version", help="For rows without a wording version column.")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def consent_import(
    ctx: click.Context, file: str, proof: str | None, wording_version: str | None, region: str
) -> None:
    """Import consents from a table (number, ISO date-time with offset, wording version, scope)."""
    with session_for(ctx) as session:
        count = consents.import_consents(
            session, file, proof=proof, wording_version=wording_version, region=region, now=now()
        )
    say(ctx, f"{count} consents imported.")


@cli.group("contract")
def contract_group() -> None:
    """Contracts in force: calls related to them are exempt from the list and consent duties."""


@contract_group.command("add")
@click.argument("number")
@click.option("--until", required=True, metavar="DATE", help="Last day of the contract.")
@click.option("--subject", required=True, help="What the contract is about.")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def contract_add(ctx: click.Context, number: str, until: str, subject: str, region: str) -> None:
    """Record a contract in force with the person (F3)."""
    day = parse_date(until, "--until")
    assert day is not None
    with session_for(ctx) as session:
        contract = consents.add_contract(
            session, number, until=day, subject=subject, region=region, now=now()
        )
        say(ctx, f"Contract recorded for {contract.e164} until {contract.until}.")


@cli.group("relationship")
def relationship_group() -> None:
    """US established business relationships (U5): they lift the registry block for a time."""


@relationship_group.command("set")
@click.argument("number")
@click.option("--last-purchase", metavar="DATE", help="Day of the last purchase (18 months).")
@click.option("--last-inquiry", metavar="DATE", help="Day of the last inquiry (3 months).")
@click.option("--region", default="US", show_default=True)
@click.pass_context
def relationship_set(
    ctx: click.Context,
    number: str,
    last_purchase: str | None,
    last_inquiry: str | None,
    region: str,
) -> None:
    """Record when the person last bought from the company or asked about it (U5).

    \b
    Example:
      campaign relationship set +15105550123 --last-purchase 2026-03-02
    """
    if last_purchase is None and last_inquiry is None:
        raise click.UsageError("give --last-purchase, --last-inquiry or both")
    with session_for(ctx) as session:
        record = consents.set_relationship(
            session,
            number,
            last_purchase=parse_date(last_purchase, "--last-purchase"),
            last_inquiry=parse_date(last_inquiry, "--last-inquiry"),
            region=region,
            now=now(),
        )
        say(
            ctx,
            f"Relationship of {record.e164}: last purchase {record.last_purchase or '-'}, "
            f"last inquiry {record.last_inquiry or '-'}.",
        )


@cli.group("rules")
def rules_group() -> None:
    """The calling rules in force: the shipped profiles and the database's rules file."""


@rules_group.command("use")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option("--shipped", is_flag=True, help="Back to the shipped rules only.")
@click.pass_context
def rules_use(ctx: click.Context, file: str | None, shipped: bool) -> None:
    """Apply a rules FILE by default in this database (--rules still overrides it).

    \b
    The file is checked now (a malformed one is refused with its key and line);
    if it later becomes unreadable, every judgement fails rather than fall back.
    Examples:
      campaign rules use company-rules.toml
      campaign rules use --shipped
    """
    if (file is None) == (not shipped):
        raise click.UsageError("give a FILE or --shipped")
    with session_for(ctx) as session:
        used = callcheck.use_rules_file(session, None if shipped else file, now=now())
    say(ctx, f"Rules in force: the shipped profiles{' with ' + used if used else ''}.")


@rules_group.command("show")
@rules_option
@json_option
@click.pass_context
def rules_show(ctx: click.Context, rules_file: str | None, as_json: bool) -> None:
    """List the profiles in force, their dates and the rule each reason cites.

    \b
    Example:
      campaign rules show --json
    """
    with session_for(ctx, write=False) as session:
        stored = get_setting(session, callcheck.RULES_SETTING)
        profiles = callcheck.rule_profiles(session, rules_file)
    document: dict[str, Any] = {
        "rules_file": rules_file or stored,
        "profiles": [
            {
                "key": p.key,
                "jurisdiction": p.jurisdiction,
                "audience": p.audience,
                "from": p.effective_from.isoformat() if p.effective_from else None,
                "until": p.effective_until.isoformat() if p.effective_until else None,
                "duty": p.duty,
                "rules": dict(p.rules),
                "states": sorted(p.state_overrides),
            }
            for p in profiles
        ],
    }
    if as_json:
        emit_json(document)
        return
    click.echo(f"Rules file: {document['rules_file'] or 'none (the shipped profiles)'}")
    for item in document["profiles"]:
        dates = f"{item['from'] or '...'} to {item['until'] or '...'}"
        states = f", states {', '.join(item['states'])}" if item["states"] else ""
        click.echo(f"  {item['key']:<24} {dates:<26} duty {item['duty']}{states}")
