"""How a webhook call is signed: HMAC-SHA256 over the exact body bytes, with a secret the
sender and the receiver share, sent as `X-Frontdesk-Signature-256: sha256=<hex>`.

The same scheme GitHub uses for its webhooks, so receivers already know how to check it:
compute the HMAC of the raw body with the shared secret and compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Frontdesk-Signature-256"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_PREFIX = "sha256="


def signature(secret: str, body: bytes) -> str:
    """The header value that signs `body` with `secret`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"{_PREFIX}{digest}"


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` is the signature of `body` with `secret` (constant time)."""
    if header is None or not header.startswith(_PREFIX):
        return False
    return hmac.compare_digest(signature(secret, body), header)
