"""Commands on the calling rules: ``can-call``, ``check``, ``consent``, ``contract``."""

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
@rules_option
@json_option
@click.pass_context
def can_call(
    ctx: click.Context,
    number: str,
    campaign_name: str | None,
    at: str | None,
    caller_id: str | None,
    rules_file: str | None,
    as_json: bool,
) -> None:
    """Say whether NUMBER may be called now (exit 0), or every reason why not (exit 1).

    \b
    Examples:
      campaign can-call "06 12 34 56 78" --campaign rdv-pme
      campaign can-call +15105550123 --at 2026-11-23T20:30-08:00 --json
    """
    with session_for(ctx) as session:
        verdict = callcheck.check_call(
            session,
            number,
            campaign=campaign_name,
            at=parse_datetime(at),
            caller_id=caller_id,
            rules=rules_file,
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
