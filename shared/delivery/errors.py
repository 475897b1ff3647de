"""How a delivery fails: for good, or for now (after the channel's own retries).

Messages name neither the recipient, nor the body, nor a secret or a URL's query string:
they are logged and carried in events."""

from __future__ import annotations


class DeliveryError(Exception):
    """A channel could not deliver a message; the message names no personal data."""

    permanent: bool = True


class PermanentDeliveryError(DeliveryError):
    """The provider refused the message for good (the address does not exist, say)."""


class TemporaryDeliveryError(DeliveryError):
    """The provider could not take the message, even after the channel's own retries."""

    permanent = False
