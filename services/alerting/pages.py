"""Alerting's paging use case: each page of a step sent once, and a page that failed for
now tried again, with backoff, until it is sent, refused for good, or its alert needs
nobody. A step's steps are told by `handlers`; this is what telling them sends."""

from __future__ import annotations

import uuid

import structlog

from services.alerting.domain import Alert, AlertState, PageRetry, retry_after
from services.alerting.policy import AlertPolicy
from services.alerting.ports import (
    AlertMetrics,
    Alerts,
    Claim,
    Page,
    PageFailedError,
    PageInProgressError,
    Pager,
)
from shared.clock import Clock

log = structlog.get_logger(__name__)


class Paging:
    """Sends pages through the `Pager`, each under a claim of its own."""

    def __init__(
        self, alerts: Alerts, policy: AlertPolicy, pager: Pager, metrics: AlertMetrics, clock: Clock
    ) -> None:
        self.alerts = alerts
        self.policy = policy
        self.pager = pager
        self.metrics = metrics
        self.clock = clock

    async def page_step(self, alert_id: uuid.UUID, step: int) -> bool:
        """Page every contact of one step through each of its channels, each page once;
        whether a page failed for now (and so the alert has a retry to plan)."""
        alert = await self.alerts.get(alert_id)
        if alert is None or alert.state is not AlertState.OPEN or step >= len(alert.steps):
            return False  # acknowledged or ended before its page went: nobody needs it now
        reference, retrying = await self._reference(alert), False
        for contact in alert.steps[step]:
            if contact not in self.policy.contacts:
                log.warning("page_contact_gone", alert_id=str(alert_id), contact=contact)
                continue  # a policy redeployed without it: the others are still told
            for channel in self.policy.channels_of(contact, alert.channels):
                page = Page(alert, step, contact, channel, reference)
                retrying = await self.page_once(page) or retrying
        return retrying

    async def retry_due(self, alert: Alert) -> None:
        """Try again the pages of `alert` that failed for now and whose wait is over."""
        due = alert.due_retries(self.clock.now())
        if not due:
            return
        reference = await self._reference(alert)
        for retry in due:
            await self.page_once(Page(alert, retry.step, retry.contact, retry.channel, reference))

    async def page_once(self, page: Page) -> bool:
        """Send one page under its claim; whether it failed for now (a retry is stored)."""
        alert_id, now = page.alert.alert_id, self.clock.now()
        claim = await self.alerts.claim_page(alert_id, page.key, now)
        if claim is Claim.FINISHED:
            return False
        if claim is Claim.HELD:
            raise PageInProgressError(f"page {page.key} is being sent elsewhere")
        try:
            await self.pager.send(page)
        except PageFailedError as error:
            log.warning("page_failed", page=page.key, reason=str(error), permanent=error.permanent)
            if error.permanent:
                await self._finish(page, "failed_permanent")
                return False
            tries = 1 + next((r.tries for r in page.alert.retries if _same(r, page)), 0)
            await self.alerts.retry_page(alert_id, page, now + retry_after(tries))
            self.metrics.paged(page.channel, "failed_temporary")
            return True
        await self._finish(page, "sent")
        return False

    async def _finish(self, page: Page, outcome: str) -> None:
        await self.alerts.finish_page(page.alert.alert_id, page.key, outcome)
        self.metrics.paged(page.channel, outcome)

    async def _reference(self, alert: Alert) -> str | None:
        facts = await self.alerts.report(alert.report_id)
        return (facts.reference if facts else None) or alert.reference


def _same(retry: PageRetry, page: Page) -> bool:
    return (retry.step, retry.contact, retry.channel) == (page.step, page.contact, page.channel)
