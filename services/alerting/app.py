"""Composition root of the alerting service."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from services.alerting import SERVICE
from services.alerting.adapters import MongoAlerts
from services.alerting.api import alerts_router
from services.alerting.gauges import PrometheusAlertMetrics, run_open_alert_gauge
from services.alerting.handlers import Alerting
from services.alerting.links import LinkSigner
from services.alerting.links_api import links_router
from services.alerting.paging import ChannelPager, Channels, PageLinkMaker
from services.alerting.policy import AlertPolicy
from services.alerting.routes import ROUTES
from services.alerting.settings import AlertingSettings
from services.alerting.staff_store import MongoNotices, MongoWatches
from shared.clock import Clock, SystemClock
from shared.delivery import NotifySms, Retries, SmtpMailer, WebhookPoster
from shared.http_app import create_service_app
from shared.runtime import ServiceRuntime
from shared.ticker import run_ticker


def create_app(settings: AlertingSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or SystemClock(timedelta(seconds=settings.clock_offset_s))
    if settings.link_secret is None:
        raise ValueError("ALERTING_LINK_SECRET is needed to sign acknowledgement links")
    policy = settings.policy()
    signer = LinkSigner(
        settings.link_secret.get_secret_value(), timedelta(hours=settings.link_valid_hours)
    )
    runtime = ServiceRuntime.create(SERVICE, settings)
    alerts = MongoAlerts(runtime.database, runtime.publisher, settings.page_lease_s)
    runtime.on_startup(alerts.create_indexes)
    runtime.relay_outbox(alerts.outbox)
    links = PageLinkMaker(signer, settings.public_url, settings.report_link)
    pager = _pager(settings, policy, links)
    runtime.on_shutdown(pager.close)
    metrics = PrometheusAlertMetrics(runtime.metrics)
    watches = MongoWatches(runtime.database)
    notices = MongoNotices(runtime.database, settings.page_lease_s)
    alerting = Alerting(alerts, policy, pager, metrics, clock, watches=watches, notices=notices)
    runtime.route(ROUTES, alerting)
    runtime.add_background_job(
        lambda stopping: run_ticker(
            alerting, settings.tick_interval_s, settings.resync_interval_s, stopping
        )
    )
    runtime.add_background_job(  # the unassigned alert's timers
        lambda stopping: run_ticker(
            alerting.assignments, settings.tick_interval_s, settings.resync_interval_s, stopping
        )
    )
    runtime.add_background_job(
        lambda stopping: run_open_alert_gauge(
            alerts, metrics, min(settings.resync_interval_s, 15.0), stopping
        )
    )
    app = create_service_app(runtime, "frontdesk alerting")
    app.include_router(alerts_router(alerting, settings.staff_keys))
    labels = {name: contact.label for name, contact in policy.contacts.items()}
    app.include_router(links_router(alerting, signer, labels))
    return app


def _pager(settings: AlertingSettings, policy: AlertPolicy, links: PageLinkMaker) -> ChannelPager:
    retries = Retries(settings.page_attempts, settings.page_backoff_max_s)
    sms = None if settings.notify.api_key is None else NotifySms(settings.notify, retries)
    channels = Channels(
        mailer=SmtpMailer(settings.smtp, retries),
        webhooks=WebhookPoster(retries, settings.webhook_timeout_s),
        sms=sms,
        email_sender=settings.email_sender,
        webhook_secrets=settings.webhook_secrets(policy),
    )
    return ChannelPager(policy, links, channels)
