"""Counting SMS segments as phone networks do, so a text stays within two.

GSM 03.38: the basic alphabet costs one septet a character, its extension table (^ { } \\ [
~ ] | and the euro sign) two; one message carries 160 septets, a multi-part one 153 a part.
Any other character (Welsh ŵ and ŷ, curly quotes, emoji) makes the whole text UCS-2: 70
characters in one message, 67 a part, and characters outside the BMP count twice.
"""

from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

#: The longest text message GOV.UK Notify accepts (a longer one is refused: 400).
NOTIFY_MAX_SMS_CHARACTERS = 918

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
#: Characters past the Basic Multilingual Plane take two UCS-2 units (a surrogate pair).
BMP_LAST = 0xFFFF


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def sms_segments(text: str) -> int:
    """How many SMS parts `text` is sent as."""
    if is_gsm7(text):
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        units = sum(2 if ord(c) > BMP_LAST else 1 for c in text)
        single, part = UCS2_SINGLE, UCS2_PART
    if units <= single:
        return 1
    return -(-units // part)
