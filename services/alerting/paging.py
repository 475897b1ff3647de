"""Pages through the shared delivery channels (shared/delivery, which the notifier uses too):
a signed webhook call, an email to a duty mailbox, a text message through Notify."""

from __future__ import annotations

from dataclasses import dataclass

from services.alerting.links import LinkClaim, LinkSigner
from services.alerting.messages import DutyMessage, PageLinks, duty_message
from services.alerting.policy import AlertPolicy
from services.alerting.ports import Page, PageFailedError
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
        try:
            await self._send(page, message)
        except PermanentDeliveryError as error:
            raise PageFailedError(str(error), permanent=True) from error
        except TemporaryDeliveryError as error:
            raise PageFailedError(str(error), permanent=False) from error

    async def close(self) -> None:
        await self._mailer.close()

    async def _send(self, page: Page, message: DutyMessage) -> None:
        contact = self._policy.contacts[page.contact]
        if page.channel == "webhook" and contact.webhook is not None:
            secret = self._secrets[page.contact]
            out = WebhookOut(contact.webhook.url, secret, message.webhook_body, page.key)
            await self._webhooks.send(out)
        elif page.channel == "email" and contact.email is not None:
            email = EmailOut(
                self._sender, contact.email, message.subject, message.text, None, page.key
            )
            await self._mailer.send(email)
        elif page.channel == "sms" and contact.sms is not None:
            if self._sms is None:
                raise PermanentDeliveryError("no text-message channel (NOTIFY_API_KEY unset)")
            await self._sms.send(SmsOut(contact.sms, message.sms_text, page.key, None))
        else:
            raise PermanentDeliveryError(f"{page.contact} has no {page.channel} address")


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
            report=self._report_link.format(report_id=page.alert.report_id),
            acknowledge=f"{self._public_url}/v1/alert-links/{token}",
        )
