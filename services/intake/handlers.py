"""Intake's use cases: accept a report (once per idempotency key), add information to it,
report its status."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime

from services.intake import SERVICE
from services.intake.access import ChannelAccess, ForbiddenError
from services.intake.catalogue import CATALOGUE
from services.intake.domain import AnySubmission
from services.intake.ingress import Published, publisher_of
from services.intake.ports import (
    IdempotencyConflictError,
    InformationAdded,
    ReportClosedError,
    ReportExistsError,
    ReportNotFoundError,
    Reports,
    UpdateLog,
)
from services.intake.standing import (
    ReporterView,
    StandingAction,
    neutral_action,
    reporter_view,
    standing_of,
    state_of,
)
from services.intake.updates import ReportUpdate, giver_of, update_events
from shared.clock import Clock
from shared.errors import ConflictingFactError, PermanentError
from shared.events import (
    Channel,
    Contact,
    ReferenceIssued,
    ReplyDelivered,
    ReportSubmitted,
    acknowledged_at,
)

#: The key id of what reporters add on their status page (their token is their proof).
STATUS_PAGE_KEY_ID = "status-page"

#: Namespace of report ids derived from idempotency keys (uuid5), fixed forever.
IDEMPOTENT_REPORT_IDS = uuid.UUID("6f1d8a52-3c49-4f0e-9f57-1b2a3c4d5e6f")


@dataclass(frozen=True)
class Acceptance:
    """The outcome of a submission: the report, and whether it was a repeat."""

    submitted: ReportSubmitted
    repeated: bool


@dataclass(frozen=True)
class ReportIds:
    """How an idempotency key becomes a report id.

    The id is the same every time for the same key of the same submitter (an idempotent
    retry finds its report, after a restart and on any instance), differs between two API
    keys of one channel, and, with a secret, cannot be worked out from the idempotency key
    and the key id: it is a uuid5 of an HMAC of them.
    """

    secret: bytes | None = None

    def for_submission(
        self, channel: Channel, key_id: str | None, idempotency_key: str | None
    ) -> uuid.UUID:
        """A fresh id without an idempotency key, else the id the key always gives."""
        if idempotency_key is None:
            return uuid.uuid4()
        submitter = channel.value if key_id is None else f"{channel.value}:{key_id}"
        name = f"{submitter}:{idempotency_key}"
        if self.secret is not None:
            name = hmac.new(self.secret, name.encode(), hashlib.sha256).hexdigest()
        return uuid.uuid5(IDEMPOTENT_REPORT_IDS, name)


#: Ids without a secret: the Kafka ingress's, whose submitters are its principals (only the
#: channel's principal may publish on its topic, so nobody else can take its ids).
UNKEYED_REPORT_IDS = ReportIds()


def _report_submitted(
    submission: AnySubmission,
    report_id: uuid.UUID,
    channel: Channel,
    force_code: str,
    now: datetime,
) -> ReportSubmitted:
    event_id = uuid.uuid4()
    contact = submission.contact
    return ReportSubmitted(
        event_id=event_id,
        occurred_at=now,
        report_id=report_id,
        correlation_id=event_id,
        producer=SERVICE,
        force_code=force_code,
        report_type=submission.report_type,
        channel=channel,
        received_at=now,
        description=submission.description,
        happening_now=submission.happening_now,
        someone_in_danger=submission.someone_in_danger,
        answers=submission.answers.model_dump(mode="json"),
        answers_version=CATALOGUE[submission.report_type].version,
        contact=None
        if contact is None
        else Contact(
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            preferred_channel=contact.preferred_channel,
            language=contact.language,
            email_safe=contact.safe_contact.email_safe,
            sms_safe=contact.safe_contact.sms_safe,
            safe_times=contact.safe_contact.safe_times,
        ),
    )


class Intake:
    """Intake's dependencies, and its use cases: accept a report (over HTTP, or published
    to a channel's ingress topic), add information to it, keep what it learns of it."""

    def __init__(
        self,
        reports: Reports,
        updates: UpdateLog,
        *,
        access: ChannelAccess,
        clock: Clock,
        force_code: str,
        report_ids: ReportIds = UNKEYED_REPORT_IDS,
    ) -> None:
        self.reports = reports
        self.updates = updates
        self.access = access
        self.clock = clock
        self.force_code = force_code
        #: How HTTP callers' idempotency keys become report ids (published reports use
        #: `UNKEYED_REPORT_IDS`: only the channel's principal may publish on its topic).
        self.report_ids = report_ids

    async def submit(
        self,
        submission: AnySubmission,
        *,
        channel: Channel,
        idempotency_key: str | None = None,
        key_id: str | None = None,
    ) -> Acceptance:
        """Accept a report from a caller of `channel` (ForbiddenError if the channel may
        not submit its type): once this returns, the report and its event are durable.

        `key_id` names the key that submitted it (kept: updates need the same key). With an
        idempotency key, the same key and submission from the same submitter give the same
        report however often they are sent; the same key with another submission is a
        conflict (IdempotencyConflictError).
        """
        self.access.authorize(channel, submission.report_type)
        report_id = self.report_ids.for_submission(channel, key_id, idempotency_key)
        return await self._accept(submission, report_id, channel, key_id)

    async def accept_published(self, published: Published) -> None:
        """Accept a report a channel published, or refuse it for good (a dead letter)."""
        channel, received = published.channel, published.received
        key_id = publisher_of(channel)
        report_id = UNKEYED_REPORT_IDS.for_submission(channel, key_id, str(received.submission_id))
        try:
            self.access.authorize(channel, received.submission.report_type)
            await self._accept(received.submission, report_id, channel, key_id)
        except ForbiddenError as error:
            raise PermanentError(str(error)) from None
        except IdempotencyConflictError:
            raise PermanentError("submission_id already used for another submission") from None

    async def _accept(
        self, submission: AnySubmission, report_id: uuid.UUID, channel: Channel, key_id: str | None
    ) -> Acceptance:
        now = self.clock.now()
        submitted = _report_submitted(submission, report_id, channel, self.force_code, now)
        fingerprint = submission.fingerprint()
        try:
            await self.reports.add(submitted, fingerprint, key_id)
        except ReportExistsError as exists:
            if exists.existing.fingerprint != fingerprint:
                raise IdempotencyConflictError(str(report_id)) from None
            return Acceptance(exists.existing.submitted, repeated=True)
        return Acceptance(submitted, repeated=False)

    async def add_information(
        self,
        report_id: uuid.UUID,
        update: ReportUpdate,
        *,
        channel: Channel,
        key_id: str,
        reporter_proven: bool = False,
        idempotency_key: str | None = None,
    ) -> InformationAdded:
        """Add information to a report, as the caller of `channel` and `key_id` (who proved
        to be its reporter, or not); ReportNotFoundError if there is no such report or the
        caller may not add to it, ForbiddenError if their channel does not handle its type."""
        stored = await self.updates.report(report_id)
        giver = None if stored is None else giver_of(stored, channel, key_id, reporter_proven)
        if stored is None or giver is None:
            raise ReportNotFoundError(str(report_id))
        self.access.authorize(channel, stored.submitted.report_type, action="update")
        event_for = update_events(stored.submitted, update, giver, self.clock.now())
        key = None if idempotency_key is None else f"{channel.value}:{key_id}:{idempotency_key}"
        added = await self.updates.append(report_id, event_for, key, update.fingerprint())
        contact = stored.submitted.contact
        language = "en" if contact is None else contact.language
        return InformationAdded(added.update_number, added.repeated, language)

    async def add_on_status_page(
        self, report_id: uuid.UUID, update: ReportUpdate, form_id: str
    ) -> InformationAdded:
        """Information the reporter (who proved it with the token) adds on their status
        page, once per form sent (`form_id`): an answer to a question, or anything new.
        ReportClosedError once the report is closed."""
        stored = await self.reports.get(report_id)
        if stored is None:
            raise ReportNotFoundError(str(report_id))
        if state_of(stored, self.clock.now()) == "closed":
            raise ReportClosedError(str(report_id))
        return await self.add_information(
            report_id,
            update,
            channel=Channel.WEB,
            key_id=STATUS_PAGE_KEY_ID,
            reporter_proven=True,
            idempotency_key=f"form:{form_id}",
        )

    async def status(self, report_id: uuid.UUID) -> ReporterView | None:
        """The report as its reporter sees it now."""
        stored = await self.reports.get(report_id)
        return None if stored is None else reporter_view(stored, self.clock.now())

    async def learn_staff_action(self, action: StandingAction) -> None:
        """Keep a question asked, a closure or a reopening for the status page, unless a
        newer staff action is kept already; of an unknown report, nothing."""
        stored = await self.reports.get(action.report_id)
        if stored is None:
            return
        neutral = neutral_action(action, stored.submitted.contact)
        await self.reports.record_standing(action.report_id, standing_of(action), neutral=neutral)

    async def learn_reference(self, event: ReferenceIssued) -> None:
        """Keep the reference for the reporter's status page; a different second one is
        refused."""
        kept = await self.reports.record_reference(event.report_id, event.reference)
        if kept is not None and kept != event.reference:
            raise ConflictingFactError("the report already has another reference")

    async def learn_delivery(self, event: ReplyDelivered) -> None:
        """Keep when the acknowledgement reached the reporter, for the status page."""
        if (replied_at := acknowledged_at(event)) is not None:
            await self.reports.record_reply(event.report_id, replied_at)
