"""Pages through the shared delivery channels (shared/delivery, which the notifier uses too):
a signed webhook call, an email to a duty mailbox, a text message through Notify."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.alerting.links import LinkClaim, LinkSigner
from services.alerting.messages import DutyMessage, PageLinks, duty_message, notice_message
from services.alerting.policy import AlertPolicy, Contact, StaffMember
from services.alerting.ports import Notice, Page, PageFailedError
from shared.delivery import (
    EmailOut,
    NotifySms,
    PermanentDeliveryError,
    SmsOut,
    SmtpMailer,
    TemporaryDeliveryError,
    WebhookOut,
    WebhookPoster,
)


@dataclass(frozen=True)
class Channels:
    """The shared channels pages go through, and what a page needs to use them."""

    mailer: SmtpMailer
    webhooks: WebhookPoster
    sms: NotifySms | None  # none without a Notify key: text-message pages then fail
    email_sender: str
    webhook_secrets: dict[str, str]


class ChannelPager:
    """`Pager` over the shared channels; one message per page, keyed by the page."""

    def __init__(self, policy: AlertPolicy, links: PageLinkMaker, channels: Channels) -> None:
        self._policy = policy
        self._links = links
        self._mailer = channels.mailer
        self._webhooks = channels.webhooks
        self._sms = channels.sms
        self._sender = channels.email_sender
        self._secrets = channels.webhook_secrets

    async def send(self, page: Page) -> None:
        message = duty_message(
            page.alert, page.step, page.contact, page.reference, self._links.links(page)
        )
        contact = self._policy.contacts[page.contact]
        await self._deliver(Delivery(page.contact, contact, page.channel, page.key), message)

    async def notify(self, notice: Notice) -> None:
        """An assignment notice, to the member of staff or to their team's contact."""
        message = notice_message(notice.facts, self._links.report(notice.facts.report_id))
        known = self._policy.staff if notice.to_staff else self._policy.contacts
        address = known.get(notice.recipient)
        if address is None:
            raise PageFailedError("the policy no longer has this recipient", permanent=True)
        where = Delivery(notice.recipient, address, notice.channel, notice.key)
        await self._deliver(where, message)

    async def close(self) -> None:
        await self._mailer.close()

    async def _deliver(self, where: Delivery, message: DutyMessage) -> None:
        try:
            await self._send(where, message)
        except PermanentDeliveryError as error:
            raise PageFailedError(str(error), permanent=True) from error
        except TemporaryDeliveryError as error:
            raise PageFailedError(str(error), permanent=False) from error

    async def _send(self, where: Delivery, message: DutyMessage) -> None:
        address, key = where.address, where.key
        webhook = address.webhook if isinstance(address, Contact) else None
        if where.channel == "webhook" and webhook is not None:
            secret = self._secrets[where.name]
            await self._webhooks.send(WebhookOut(webhook.url, secret, message.webhook_body, key))
        elif where.channel == "email" and address.email is not None:
            email = EmailOut(self._sender, address.email, message.subject, message.text, None, key)
            await self._mailer.send(email)
        elif where.channel == "sms" and address.sms is not None:
            if self._sms is None:
                raise PermanentDeliveryError("no text-message channel (NOTIFY_API_KEY unset)")
            await self._sms.send(SmsOut(address.sms, message.sms_text, key, None))
        else:
            raise PermanentDeliveryError(f"{where.name} has no {where.channel} address")


@dataclass(frozen=True)
class Delivery:
    """Where one message goes: a contact (or member of staff), a channel, its key."""

    name: str
    address: Contact | StaffMember
    channel: str
    key: str


class PageLinkMaker:
    """The two links of a page: the report in the operations view, and a signed link that
    acknowledges the alert, the same whenever the page is sent (it expires a set time
    after its step fell due)."""

    def __init__(self, signer: LinkSigner, public_url: str, report_link: str) -> None:
        self._signer = signer
        self._public_url = public_url.rstrip("/")
        self._report_link = report_link

    def links(self, page: Page) -> PageLinks:
        claim = LinkClaim(page.alert.alert_id, page.step, page.contact)
        token = self._signer.token(claim, page.alert.step_at(page.step))
        return PageLinks(
            report=self.report(page.alert.report_id),
            acknowledge=f"{self._public_url}/v1/alert-links/{token}",
        )

    def report(self, report_id: uuid.UUID) -> str:
        """The report's page on the console."""
        return self._report_link.format(report_id=report_id)
