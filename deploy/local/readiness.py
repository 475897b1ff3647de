"""Whether a local server answers yet: a real request of its own protocol each (a Kafka
metadata request, a Mongo `ping`, an SMTP NOOP, an HTTP GET), never just an open port."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.settings import KafkaSettings

SMTP_OK = 250
HTTP_OK = 200


def kafka_answers(settings: KafkaSettings) -> bool:
    return asyncio.run(_kafka_metadata(settings))


async def _kafka_metadata(settings: KafkaSettings) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient  # noqa: PLC0415 - only when waiting

    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # "not yet" is expected here

    admin = AIOKafkaAdminClient(**settings.client_options(), request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not yet"
        return False
    finally:
        await admin.close()


def mongo_answers(port: int) -> bool:
    from pymongo import MongoClient  # noqa: PLC0415 - only when waiting
    from pymongo.errors import PyMongoError  # noqa: PLC0415

    client: MongoClient[dict[str, object]] = MongoClient(
        f"mongodb://127.0.0.1:{port}", serverSelectionTimeoutMS=1000
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def smtp_answers(port: int) -> bool:
    import smtplib  # noqa: PLC0415

    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
            return smtp.noop()[0] == SMTP_OK
    except OSError:
        return False


def notify_answers(port: int) -> bool:
    return _http_get_ok(port, "/_control/messages")


def webhook_answers(port: int) -> bool:
    return _http_get_ok(port, "/health")


def _http_get_ok(port: int, path: str) -> bool:
    import urllib.request  # noqa: PLC0415

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            return bool(answer.status == HTTP_OK)
    except OSError:
        return False
