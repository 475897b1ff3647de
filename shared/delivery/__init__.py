"""Delivery channels every service sends through: email (SMTP), text messages (GOV.UK
Notify) and signed webhooks, each retrying what may pass and telling a temporary failure
from a permanent one."""

from shared.delivery.email import EmailOut, SmtpMailer
from shared.delivery.errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError
from shared.delivery.retries import Retries
from shared.delivery.settings import NotifySettings, SmtpSettings
from shared.delivery.sms import NotifySms, SmsOut
from shared.delivery.webhook import WebhookOut, WebhookPoster

__all__ = [
    "DeliveryError",
    "EmailOut",
    "NotifySettings",
    "NotifySms",
    "PermanentDeliveryError",
    "Retries",
    "SmsOut",
    "SmtpMailer",
    "SmtpSettings",
    "TemporaryDeliveryError",
    "WebhookOut",
    "WebhookPoster",
]
