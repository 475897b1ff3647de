"""A force's labelled history as the triage commands read it: clear errors for bad lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classifier.examples import ExampleFileError, load_examples
from shared.events import ReportType


def _write(path: Path, *rows: object) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_a_labelled_file_is_read_with_optional_fields_and_extra_keys(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "history.jsonl",
        {"type": "crime", "text": "bike gone", "emergency": False, "lang": "en"},
        {"type": "missing_person", "text": "Nain is not in bed", "emergency": True, "grade_max": 1},
    )

    first, second = load_examples(path)

    assert first.report_type is ReportType.CRIME
    assert first.grade_max is None
    assert second.emergency
    assert second.grade_max == 1


@pytest.mark.parametrize(
    ("line", "fault"),
    [
        ("{not json", "not JSON"),
        (json.dumps({"type": "burglary", "text": "x", "emergency": False}), "type:"),
        (json.dumps({"type": "crime", "text": "x"}), "emergency: Field required"),
        (
            json.dumps({"type": "crime", "text": "x", "emergency": True, "grade_max": 7}),
            "grade_max",
        ),
    ],
)
def test_a_bad_line_is_named_with_its_number_and_the_field_at_fault(
    tmp_path: Path, line: str, fault: str
) -> None:
    path = _write(
        tmp_path / "history.jsonl", {"type": "crime", "text": "ok", "emergency": False}, line
    )

    with pytest.raises(ExampleFileError) as raised:
        load_examples(path)

    assert str(raised.value).startswith(f"{path}:2: ")
    assert fault in str(raised.value)
