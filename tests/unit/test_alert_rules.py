"""deploy/prometheus/alerts.yml is a Prometheus alerting-rule file whose every expression
parses as PromQL, on metrics the services expose, covering the system's health.

The parser is promql-parser (PyPI; Python bindings of the Rust PromQL parser GreptimeDB
uses): it checks syntax, function names and argument types (`increase` of an instant
vector is refused), as Prometheus does when it loads the file. promtool itself takes over
ten minutes to build here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from services.alerting.domain import AlertState
from services.alerting.gauges import PrometheusAlertMetrics
from services.alerting.ports import PAGE_OUTCOMES
from services.system import SERVICES
from shared.events import AlertKind
from shared.metrics import ServiceMetrics

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
SEVERITIES = {"critical", "warning"}
RULE_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
JOBS = set(SERVICES)
_NOT_A_VECTOR = (
    promql_parser.NumberLiteral,
    promql_parser.StringLiteral,
    promql_parser.MatrixSelector,
    promql_parser.SubqueryExpr,
)


_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}


def _service_metrics() -> set[str]:
    """Every metric name the services expose (all of them share ServiceMetrics; alerting
    adds its own), as Prometheus stores it."""
    metrics = ServiceMetrics("alerting")
    PrometheusAlertMetrics(metrics)
    families = metrics.registry.collect()
    return {f.name + suffix for f in families for suffix in _SUFFIXES.get(f.type, ("",))}


def _duration_problem(rule: dict[str, Any], key: str) -> str | None:
    if key not in rule:
        return None
    try:
        promql_parser.parse_duration(str(rule[key]))
    except ValueError as error:
        return f"{key}: {error}"
    return None


def _expr_problem(expr: object) -> str | None:
    if not isinstance(expr, str):
        return "expr: missing"
    try:
        parsed = promql_parser.parse(expr)
    except ValueError as error:
        return f"expr: {error}"
    if isinstance(parsed, _NOT_A_VECTOR):
        return "expr: not an instant vector"
    return None


def rule_problems(rule: dict[str, Any]) -> list[str]:
    """What keeps `rule` from loading as an alerting rule, or from paging sensibly."""
    problems = [f"unknown key {key}" for key in sorted(set(rule) - RULE_KEYS)]
    if not isinstance(rule.get("alert"), str):
        problems.append("alert: not named (recording rules belong elsewhere)")
    if rule.get("labels", {}).get("severity") not in SEVERITIES:
        problems.append(f"labels.severity: not one of {sorted(SEVERITIES)}")
    annotations = rule.get("annotations", {})
    problems += [
        f"annotations.{k}: missing" for k in ("summary", "description") if not annotations.get(k)
    ]
    checks = (
        _expr_problem(rule.get("expr")),
        *(_duration_problem(rule, k) for k in ("for", "keep_firing_for")),
    )
    return problems + [problem for problem in checks if problem is not None]


def file_problems(document: dict[str, Any]) -> list[str]:
    """Every problem of a rule file, each prefixed with its alert (or group)."""
    groups = document.get("groups") or []
    names = [group.get("name") for group in groups]
    problems = [f"group {name}: duplicated" for name in set(names) if names.count(name) > 1]
    for group in groups:
        for rule in group.get("rules") or [{}]:
            where = rule.get("alert") or f"group {group.get('name')}"
            problems += [f"{where}: {problem}" for problem in rule_problems(rule)]
    return problems or ([] if groups else ["groups: none"])


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(RULES.read_text())
    return loaded


@pytest.fixture(scope="module")
def rules(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["alert"]: rule for group in document["groups"] for rule in group["rules"]}


def _selectors(expr: str) -> list[promql_parser.VectorSelector]:
    found: list[promql_parser.VectorSelector] = []

    def keep(node: promql_parser.Expr) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            found.append(node)

    promql_parser.walk(promql_parser.parse(expr), keep)
    return found


def test_the_rule_file_loads_every_expression_parses_and_every_alert_is_unique(
    document: dict[str, Any], rules: dict[str, dict[str, Any]]
) -> None:
    every_alert = [rule["alert"] for group in document["groups"] for rule in group["rules"]]

    assert file_problems(document) == []
    assert len(every_alert) == len(rules)


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        ({"expr": "rate(up[5m]"}, "expr: unclosed left parenthesis"),
        ({"expr": "increase(frontdesk_dead_letters_total) > 0"}, "expected type matrix"),
        ({"expr": "frontdesk_consumer_lag[5m]"}, "expr: not an instant vector"),
        ({"expr": "nosuchfunction(up) > 0"}, "unknown function"),
        ({"for": "five minutes"}, "for: "),
        ({"labels": {"severity": "page"}}, "labels.severity: not one of"),
        ({"annotations": {"summary": "no description"}}, "annotations.description: missing"),
        ({"exp": "up == 0"}, "unknown key exp"),
    ],
)
def test_a_broken_rule_is_reported_naming_the_alert(
    rules: dict[str, dict[str, Any]], change: dict[str, Any], reported: str
) -> None:
    broken = {**rules["ServiceDown"], **change}

    problems = file_problems({"groups": [{"name": "g", "rules": [broken]}]})

    assert problems
    assert all(problem.startswith("ServiceDown: ") for problem in problems)
    assert any(reported in problem for problem in problems), problems


def test_rules_use_only_metrics_the_services_expose(rules: dict[str, dict[str, Any]]) -> None:
    known = _service_metrics() | {"up"}
    used = {s.name for rule in rules.values() for s in _selectors(rule["expr"])}

    assert used - known == set()
    assert {"frontdesk_alert_pages_total", "frontdesk_open_alerts"} <= known
    assert {"frontdesk_consumer_lag", "frontdesk_dead_letters_total"} <= used


def _matched_values(rules: dict[str, dict[str, Any]], label: str) -> set[str]:
    """Every value the rules match `label` on (each alternative of a `=~"a|b"`)."""
    return {
        value
        for rule in rules.values()
        for selector in _selectors(rule["expr"])
        for matcher in selector.matchers.matchers
        if matcher.name == label
        for value in matcher.value.split("|")
    }


def test_rules_match_label_values_the_alerting_service_sets(
    rules: dict[str, dict[str, Any]],
) -> None:
    assert _matched_values(rules, "kind") <= {kind.value for kind in AlertKind}
    assert _matched_values(rules, "state") <= {AlertState.OPEN, AlertState.ACKNOWLEDGED}
    assert _matched_values(rules, "outcome") == {"failed_permanent", "failed_temporary"}
    assert _matched_values(rules, "outcome") <= set(PAGE_OUTCOMES)


def test_a_service_down_pages_for_each_of_the_seven_services_only(
    rules: dict[str, dict[str, Any]],
) -> None:
    (selector,) = _selectors(rules["ServiceDown"]["expr"])
    (job,) = [m for m in selector.matchers.matchers if m.name == "job"]

    assert len(JOBS) == 7
    assert all(re.fullmatch(job.value, name) for name in JOBS)
    assert not re.fullmatch(job.value, "prometheus")
    assert rules["ServiceDown"]["labels"]["severity"] == "critical"


def _for(rule: dict[str, Any]) -> timedelta:
    """How long the condition must hold before the alert fires (at once without `for`)."""
    return promql_parser.parse_duration(str(rule["for"])) if "for" in rule else timedelta(0)


def test_the_alerting_rules_page_as_issue_15_asks(rules: dict[str, dict[str, Any]]) -> None:
    permanent = rules["AlertWebhookFailedPermanently"]
    unacknowledged = rules["PossibleEmergencyUnacknowledged"]

    assert 'outcome="failed_permanent"' in permanent["expr"]
    assert (permanent["labels"]["severity"], _for(permanent)) == ("critical", timedelta(0))
    assert 'outcome=~"failed_permanent|failed_temporary"' in rules["AlertWebhookFailing"]["expr"]
    assert 'kind="possible_emergency",state="open"' in unacknowledged["expr"]
    assert (unacknowledged["labels"]["severity"], _for(unacknowledged)) == (
        "critical",
        timedelta(minutes=5),
    )
    assert "frontdesk_alerts_escalated_total[15m]" in rules["AlertsEscalating"]["expr"]
