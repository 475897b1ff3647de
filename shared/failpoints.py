"""Fail points: named moments at which a drill or a test can make this process die.

A kill -9 from outside lands wherever the process happens to be; the fault suite needs it
at exact moments, e.g. after a durable write and before the publish that follows it. A
process started with

    FRONTDESK_FAILPOINTS="after_store=10,before_commit=3"

kills itself with SIGKILL the 10th time it passes `failpoint(AFTER_STORE)` (or the 3rd
time it passes `failpoint(BEFORE_COMMIT)`, whichever comes first). Unset, as in
production, a fail point costs one dictionary lookup. The idea is FreeBSD's fail(9) and
TiKV's fail-rs, reduced to the one action the fault suite needs.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

#: A state change and the events it causes are durable in Mongo; none is published yet.
AFTER_STORE = "after_store"
#: A message was handled (state durable, events acknowledged); its offset is not committed.
BEFORE_COMMIT = "before_commit"

KNOWN = frozenset({AFTER_STORE, BEFORE_COMMIT})
ENVIRONMENT_VARIABLE = "FRONTDESK_FAILPOINTS"


def parse(spec: str) -> dict[str, int]:
    """`name=n,...` -> {name: n}; a clear error for anything else."""
    armed: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, count = item.partition("=")
        if name not in KNOWN:
            raise ValueError(f"{ENVIRONMENT_VARIABLE}: unknown fail point {name!r}")
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"{ENVIRONMENT_VARIABLE}: {name} needs a count of 1 or more")
        armed[name] = int(count)
    return armed


_armed = parse(os.environ.get(ENVIRONMENT_VARIABLE, ""))
_passed: Counter[str] = Counter()


def failpoint(name: str) -> None:
    """Die here with SIGKILL if this process was told to, on this passage."""
    if name not in _armed:
        return
    _passed[name] += 1
    if _passed[name] == _armed[name]:
        os.kill(os.getpid(), signal.SIGKILL)
