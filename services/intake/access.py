"""Who may submit what: channel API keys, permissions; who may add to a report."""

from __future__ import annotations

from dataclasses import dataclass

from shared.api_keys import ApiKeys
from shared.events import Channel, ReportType, UpdateRole

#: Until staff sign in (the console issue), a key of the phone channel is a call handler's:
#: call handlers may add what a caller tells them to any report, whatever its channel.
CALL_HANDLER_CHANNEL = Channel.PHONE

#: Channels whose one key serves every member of the public: holding it proves no more
#: than reaching the web form, so a web reporter adds information with their status token.
SHARED_KEY_CHANNELS = frozenset({Channel.WEB})


class ForbiddenError(Exception):
    """The channel may not do this."""


def update_role(
    *,
    caller_channel: Channel,
    caller_key_id: str,
    report_channel: Channel,
    report_key_id: str | None,
    reporter_proven: bool,
) -> UpdateRole | None:
    """What allows this caller to add to this report, or None: no one else may.

    The reporter (holding the report's status token), the very channel and key that
    submitted it (not the web's: every citizen's report comes through that one key, so it
    tells nobody apart), or a call handler.
    """
    if reporter_proven:
        return UpdateRole.REPORTER
    same_submitter = caller_channel is report_channel and caller_key_id == report_key_id
    if same_submitter and caller_channel not in SHARED_KEY_CHANNELS:
        return UpdateRole.SUBMITTER
    if caller_channel is CALL_HANDLER_CHANNEL:
        return UpdateRole.CALL_HANDLER
    return None


@dataclass(frozen=True)
class ChannelAccess:
    """API keys of the channels, and the report types each channel may submit."""

    keys: ApiKeys
    allowed_types: dict[Channel, frozenset[ReportType]]

    def authorize(self, channel: Channel, report_type: ReportType, action: str = "submit") -> None:
        """ForbiddenError unless the channel handles reports of this type."""
        if report_type not in self.allowed_types.get(channel, frozenset()):
            raise ForbiddenError(
                f"the {channel.value} channel may not {action} {report_type.value} reports"
            )
