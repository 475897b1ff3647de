"""Every reply is worded as tests/data/replies/golden.json says, character for character.

The file is the approved wording of the replies (how it was made and which combinations it
holds: tests/golden_replies.py). A failure here is a wording change: if it is intended and
signed off, regenerate the file with `.venv/bin/python -m tests.golden_replies` and commit
its diff with the change, for review as a wording change; otherwise put the words back.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.events import AUTOMATIC_REPLY_KINDS
from tests import golden_replies

GOLDEN = golden_replies.read()


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, Any]]:
    return golden_replies.renderings(golden_replies.current_render())


def test_the_file_holds_every_combination_and_nothing_else(
    rendered: dict[str, dict[str, Any]],
) -> None:
    assert sorted(GOLDEN) == sorted(rendered)


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_every_reply_is_worded_as_the_golden_file_says(
    key: str, rendered: dict[str, dict[str, Any]]
) -> None:
    assert rendered.get(key) == GOLDEN[key], f"{key}: a wording change (see this module)"


def test_the_file_covers_each_kind_channel_language_and_next_steps_code() -> None:
    keys = [key.split("/") for key in GOLDEN]

    assert {(kind, channel, language) for kind, channel, language, *_ in keys} == {
        (kind.value, channel, language)
        for kind in AUTOMATIC_REPLY_KINDS
        for channel in ("email", "sms")
        for language in golden_replies.LANGUAGES
    }
    acknowledged = {key[3] for key in keys if key[0] == "acknowledgement"}
    assert acknowledged == set(golden_replies.next_steps_codes())
