"""Refuse to start in production with a secret that is missing, short or a local default.

The local stacks configure published secrets (`local-web-key`, `local-only-...`): with them
anyone can mint every status token offline. Only a process told it is local
(`FRONTDESK_ENVIRONMENT=local`) may start with them. Messages name the setting, never its
value.
"""

from __future__ import annotations

import structlog

from shared.settings import SecretSetting, ServiceSettings

log = structlog.get_logger(__name__)

MIN_SECRET_BYTES = 32
#: Values the local stacks configure (deploy/local/run.py and stack.py); a unit test keeps
#: this in step with them. Anything starting `local-` counts as local too.
LOCAL_DEFAULTS = frozenset(
    {
        "frontdesk_local-7c1f5c0e-3b8a-4d2e-9a61-5f0d2b8c4e11-0e6f0b7c-1d2a-4c5b-8e9f-a0b1c2d3e4f5",
    }
)


class UnsafeSecretsError(SystemExit):
    """The process must not start: its secrets are not fit for production."""


def problem_with(setting: SecretSetting) -> str | None:
    """Why `setting` is unfit for production, or None."""
    if not setting.values:
        return f"{setting.name} is not set" if setting.required else None
    for value in setting.values:
        if value.startswith("local-") or value in LOCAL_DEFAULTS or "local-only" in value:
            return f"{setting.name} is a local-stack default"
        if len(value.encode()) < MIN_SECRET_BYTES:
            return f"{setting.name} is shorter than {MIN_SECRET_BYTES} bytes"
    return None


def refuse_unsafe_secrets(settings: ServiceSettings) -> None:
    """Outside the local stacks, raise `UnsafeSecretsError` (the process exits with status
    1) when any secret is missing, shorter than 32 bytes or a local default."""
    if settings.deployment.environment == "local":
        return
    problems = [p for s in settings.secret_settings() if (p := problem_with(s)) is not None]
    if problems:
        log.error("unsafe_secrets", problems=problems)
        raise UnsafeSecretsError(
            "refusing to start in production (FRONTDESK_ENVIRONMENT is not 'local'): "
            + "; ".join(problems)
        )
