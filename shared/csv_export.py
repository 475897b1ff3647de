"""CSV for spreadsheets, safe to open: text a spreadsheet would run as a formula is made
inert (OWASP, CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, quoted with `'` so it shows as text.
    Numbers are ours, not input, and stay numbers (a negative one starts with `-`)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_text(fields: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A header of `fields` and one line per row, every value made inert."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields))
    writer.writeheader()
    for row in rows:
        writer.writerow({name: inert(value) for name, value in row.items()})
    return out.getvalue()
