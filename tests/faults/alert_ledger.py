"""The alert part of the fault suite's ledger: per report, each step of its possible-emergency
alert as told on Kafka (by event id), and each step's webhook pages as the stack's webhook
sink received them (by Idempotency-Key)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from shared import topics
from shared.events import AlertKind
from tests.faults.harness import STACK

#: The suite's emergency ladder (tests/faults/alerts.toml): steps 0, 1, 2, one webhook each.
STEPS = (0, 1, 2)
ALERT_TOPICS = [topics.ALERT_RAISED, topics.ALERT_ESCALATED]
EMERGENCY = AlertKind.POSSIBLE_EMERGENCY.value


def _per_step() -> dict[str, dict[int, set[str]]]:
    per_step: defaultdict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    return per_step


@dataclass
class AlertLedger:
    """Per report id, per step: the distinct event ids that told it, and the distinct keys of
    its pages' first calls; and per report, the calls that were repeats or refused."""

    steps: dict[str, dict[int, set[str]]] = field(default_factory=_per_step)
    pages: dict[str, dict[int, set[str]]] = field(default_factory=_per_step)
    repeats: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def restricted_to(self, report_ids: set[str]) -> AlertLedger:
        def keep(counts: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in counts.items() if k in report_ids}

        return AlertLedger(
            keep(self.steps), keep(self.pages), keep(self.repeats), keep(self.refused)
        )

    def note(self, record: Any, event: dict[str, Any]) -> None:
        """An AlertRaised (step 0) or AlertEscalated record; a repeat of an event id is one."""
        if record.topic not in ALERT_TOPICS or event.get("kind") != EMERGENCY:
            return
        step = 0 if record.topic == topics.ALERT_RAISED else int(event["step"])
        self.steps[event["report_id"]][step].add(event["event_id"])

    def count_pages(self) -> None:
        """Read every call the webhook sink kept (afresh: its folder is the truth)."""
        self.pages, self.repeats, self.refused = _per_step(), defaultdict(int), defaultdict(int)
        for path in STACK.webhook_dir.glob("[0-9]*.json"):
            call = json.loads(path.read_text())
            body = call.get("body") or {}
            if body.get("kind") != EMERGENCY:
                continue
            report_id = body["report_id"]
            if call["status"] != HTTPStatus.OK:
                self.refused[report_id] += 1
            elif call["repeat"]:
                self.repeats[report_id] += 1
            else:
                self.pages[report_id][int(body["step"])].add(call["idempotency_key"])

    def step_counts(self, report_id: str) -> dict[int, int]:
        return {step: len(ids) for step, ids in self.steps.get(report_id, {}).items()}

    def page_counts(self, report_id: str) -> dict[int, int]:
        return {step: len(keys) for step, keys in self.pages.get(report_id, {}).items()}

    def complete(self, emergencies: set[str]) -> bool:
        """Every step of every emergency's alert told and paged (at least once)."""
        return all(
            self.step_counts(r).keys() >= set(STEPS) and self.page_counts(r).keys() >= set(STEPS)
            for r in emergencies
        )

    def problems(self, report_ids: list[str], emergencies: set[str]) -> list[str]:
        """Emergencies whose steps or pages are not exactly one each, refused calls, and
        alerts of reports that were not emergencies."""
        once = dict.fromkeys(STEPS, 1)
        found = []
        for report_id in report_ids:
            steps, pages = self.step_counts(report_id), self.page_counts(report_id)
            if report_id not in emergencies:
                if steps or pages:
                    found.append(f"{report_id}: not an emergency, alerted {steps}, paged {pages}")
                continue
            if steps != once:
                found.append(f"{report_id}: alert steps told (distinct event ids) = {steps}")
            if pages != once:
                found.append(f"{report_id}: first webhook calls per step = {pages}")
            if self.refused.get(report_id):
                found.append(f"{report_id}: {self.refused[report_id]} webhook calls refused")
        return found

    def lost_and_duplicated(self, report_id: str) -> tuple[bool, bool]:
        """Whether an emergency's alert missed a step or page, and whether it had one twice."""
        counts = [self.step_counts(report_id).get(s, 0) for s in STEPS]
        counts += [self.page_counts(report_id).get(s, 0) for s in STEPS]
        return min(counts) == 0, max(counts) > 1

    def totals(self, emergencies: set[str]) -> dict[str, int]:
        """The RESULTS columns: alerts raised, steps told, first pages, repeated calls."""
        return {
            "alerts": sum(1 for r in emergencies if self.steps.get(r)),
            "steps": sum(sum(self.step_counts(r).values()) for r in emergencies),
            "pages": sum(sum(self.page_counts(r).values()) for r in emergencies),
            "repeats": sum(self.repeats.get(r, 0) for r in emergencies),
        }
