"""The import contracts of pyproject.toml bite, and cover what is added later.

Each violation is planted in a copy of `services/` and `shared/` of its own, and
`lint-imports` is run there as `make lint` runs it: the contract that forbids it must
break, and no other. The tree as it is keeps every contract. The copies are linted at
once, in a second or two.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS: list[dict[str, Any]] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
    "importlinter"
]["contracts"]
#: `lint-imports` itself, run as `python -c` so that the working directory is where the
#: packages are looked for first.
LINT = "import sys; from importlinter.cli import lint_imports_command as lint; sys.exit(lint())"

INDEPENDENT = "Services never import each other"
SHARED = "shared never imports services"
PURE = "Domain rules and ports import no broker, driver or framework"
USE_CASES = "Use cases import no broker, driver or framework"
DRIVER = "Only Mongo adapters and shared plumbing import the driver"
KAFKA = "Only shared plumbing talks to Kafka"
WEB = "Only entry points and shared plumbing import the web framework"
SKLEARN = "scikit-learn trains the triage model; it never runs in a service"


@dataclass(frozen=True)
class Plant:
    """A line added at the end of a module (a new module if there is none): a violation."""

    why: str
    module: str
    line: str
    broken: frozenset[str]


PLANTS = (
    Plant(
        "a domain module imports the driver",
        "services/notifier/domain.py",
        "import pymongo",
        frozenset({PURE, USE_CASES, DRIVER}),
    ),
    Plant(
        "a domain module imports an adapter",
        "services/sla_watchdog/domain.py",
        "from services.sla_watchdog import adapters",
        frozenset({"Layers of the SLA watchdog", PURE, USE_CASES}),
    ),
    Plant(
        "a pure rule module reaches the broker through shared",
        "services/sla_watchdog/policy.py",
        "from shared import messaging",
        frozenset({PURE, USE_CASES}),
    ),
    Plant(
        "a new module is in no layer",
        "services/classifier/shortcuts.py",
        '"""A module nobody placed."""',
        frozenset({"Layers of the classifier"}),
    ),
    Plant(
        "a use case imports an adapter",
        "services/notifier/handlers.py",
        "from services.notifier import adapters",
        frozenset({"Layers of the notifier", USE_CASES}),
    ),
    Plant(
        "a use case imports the driver",
        "services/reference_issuer/handlers.py",
        "import pymongo",
        frozenset({USE_CASES, DRIVER}),
    ),
    Plant(
        "a use case imports the web framework",
        "services/classifier/handlers.py",
        "import fastapi",
        frozenset({USE_CASES, WEB}),
    ),
    Plant(
        "an adapter talks to Kafka itself",
        "services/notifier/channels.py",
        "import aiokafka",
        frozenset({KAFKA}),
    ),
    Plant(
        "a service imports another",
        "services/intake/handlers.py",
        "from services.notifier import domain as notifier_domain",
        frozenset({INDEPENDENT}),
    ),
    Plant(
        "shared imports a service",
        "shared/metrics.py",
        "from services.classifier import SERVICE",
        frozenset({SHARED, INDEPENDENT}),  # each service reaches shared.metrics via its runtime
    ),
    Plant(
        "the classifier's process loads scikit-learn",
        "services/classifier/safety_net.py",
        "import sklearn",
        frozenset({SKLEARN}),
    ),
)


@dataclass(frozen=True)
class Verdict:
    returncode: int
    output: str

    @property
    def broken(self) -> set[str]:
        return {
            line.removesuffix(" BROKEN")
            for line in self.output.splitlines()
            if line.endswith(" BROKEN")
        }


def _not_source(folder: str, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name == "__pycache__" or not (name.endswith(".py") or Path(folder, name).is_dir())
    ]


def _planted(tree: Path, plant: Plant) -> Path:
    for package in ("services", "shared"):
        shutil.copytree(ROOT / package, tree / package, ignore=_not_source)
    shutil.copy(ROOT / "pyproject.toml", tree)
    with (tree / plant.module).open("a") as module:
        module.write(f"\n{plant.line}\n")
    return tree


def _lint(tree: Path) -> subprocess.Popen[str]:
    """`lint-imports` on the packages under `tree`."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.Popen(
        [sys.executable, "-c", LINT, "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=tree,
        env={**env, "COLUMNS": "1000"},  # one contract a line, however long its name
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    runs = {"as it is": _lint(ROOT)}
    for plant in PLANTS:
        runs[plant.why] = _lint(_planted(tmp_path_factory.mktemp("tree"), plant))
    verdicts = {}
    for why, run in runs.items():
        output, _ = run.communicate(timeout=60)
        verdicts[why] = Verdict(run.returncode, output)
    return verdicts


def test_the_tree_as_it_is_keeps_every_contract(verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts["as it is"]

    assert verdict.returncode == 0, verdict.output
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in verdict.output


@pytest.mark.parametrize("plant", PLANTS, ids=lambda plant: plant.why)
def test_a_planted_violation_breaks_the_contract_that_forbids_it(
    plant: Plant, verdicts: dict[str, Verdict]
) -> None:
    verdict = verdicts[plant.why]

    assert verdict.returncode == 1, verdict.output
    assert verdict.broken == plant.broken, verdict.output


def test_an_unplaced_module_is_named_with_what_to_do(verdicts: dict[str, Verdict]) -> None:
    output = verdicts["a new module is in no layer"].output

    assert "- services.classifier.shortcuts" in output
    assert 'docs/architecture.md ("Layers")' in output


def _of_type(kind: str) -> list[dict[str, Any]]:
    return [contract for contract in CONTRACTS if contract["type"] == kind]


def test_every_service_is_independent_of_the_others_and_layered_exhaustively() -> None:
    services = {
        f"services.{folder.name}"
        for folder in (ROOT / "services").iterdir()
        if (folder / "__init__.py").is_file()
    }
    (independence,) = _of_type("independence")
    layered = _of_type("layers")

    assert set(independence["modules"]) == services
    assert sorted(c for contract in layered for c in contract["containers"]) == sorted(services)
    assert all(contract["exhaustive"] for contract in layered)


def _tails(layer: str) -> Iterator[str]:
    for tail in layer.replace(":", "|").split("|"):
        yield tail.strip().strip("()")


def _matches(module: str, pattern: str) -> bool:
    names, wanted = module.split("."), pattern.split(".")
    if len(names) != len(wanted):
        return False
    return all(w in ("*", n) for n, w in zip(names, wanted, strict=True))


def _held_pure(contract: dict[str, Any]) -> Iterator[str]:
    """The modules a layers contract puts in its `domain` layer or below, and its ports."""
    layers: list[str] = contract["layers"]
    domain = next(i for i, layer in enumerate(layers) if "domain" in _tails(layer))
    for container in contract["containers"]:
        yield f"{container}.ports"
        for layer in layers[domain:]:
            yield from (f"{container}.{tail}" for tail in _tails(layer))


def test_what_lies_at_or_below_the_domain_is_held_pure() -> None:
    (pure,) = [contract for contract in CONTRACTS if contract["name"] == PURE]
    held = [module for contract in _of_type("layers") for module in _held_pure(contract)]

    unguarded = [m for m in held if not any(_matches(m, p) for p in pure["source_modules"])]

    assert held
    assert unguarded == []
