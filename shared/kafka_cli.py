"""`frontdesk kafka acls|provision`: the Kafka principals and ACLs, shown and applied.

`provision` signs in with the `KAFKA_*` settings as an administrator (a super user of the
cluster), creates every topic, sets each principal's SCRAM-SHA-512 password from
`KAFKA_PASSWORD_OF_<PRINCIPAL>` (upper case, `-` as `_`: `KAFKA_PASSWORD_OF_CHANNEL_PARTNER`)
and adds every ACL. It is idempotent: run it at every deployment.
"""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shared.kafka_access import System, grants, principals, provision
from shared.secret_guard import problem_with
from shared.settings import KafkaSettings, SecretSetting

kafka = typer.Typer(help="Kafka principals and ACLs: show, provision", no_args_is_help=True)
console = Console()


def system_of(ctx: typer.Context) -> System:
    """The deployment's services, which the `frontdesk` command (`services/cli.py`) gives
    as the context object: `shared` names no service."""
    if not isinstance(ctx.obj, tuple):
        raise RuntimeError("run through the frontdesk command, which names the services")
    return ctx.obj


def password_variable(principal: str) -> str:
    return "KAFKA_PASSWORD_OF_" + principal.upper().replace("-", "_")


@kafka.command("acls")
def show_acls(ctx: typer.Context) -> None:
    """Every ACL the system needs; anything else is denied."""
    table = Table("principal", "may", "resource", "name")
    for grant in grants(system_of(ctx)):
        table.add_row(
            f"User:{grant.principal}", grant.operation.name, grant.resource.name, grant.name
        )
    console.print(table)


@kafka.command("provision")
def provision_cluster(
    ctx: typer.Context,
    credentials: Annotated[
        bool, typer.Option(help="Set each principal's SCRAM password (off: managed elsewhere)")
    ] = True,
) -> None:
    """Topics, credentials and ACLs, as the administrator the KAFKA_* settings name."""
    system = system_of(ctx)
    passwords = _passwords_from_environment(system) if credentials else {}
    asyncio.run(provision(KafkaSettings(), system, passwords))
    console.print(f"provisioned: {len(passwords)} credentials, {len(grants(system))} ACLs")


def _passwords_from_environment(system: System) -> dict[str, str]:
    """Each principal's password, held to the rules every service's start guard applies
    to its own (so no principal is given a password its service would refuse)."""
    passwords = {name: os.environ.get(password_variable(name), "") for name in principals(system)}
    settings = [
        SecretSetting(password_variable(name), (value,) if value else (), required=True)
        for name, value in passwords.items()
    ]
    problems = [problem for s in settings if (problem := problem_with(s)) is not None]
    if problems:
        raise typer.BadParameter("; ".join(problems))
    return passwords
