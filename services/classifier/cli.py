"""`frontdesk triage evaluate|train`: a force measures and retrains triage on its own history."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from services.classifier.embedding import Embedder
from services.classifier.examples import Example, ExampleFileError, load_examples
from services.classifier.rules import RULES_FILE, load_rules
from services.classifier.triage_model import MODEL_FILE, load_model

triage = typer.Typer(help="Triage: evaluate the classifier on labelled reports, retrain it")

LabelledFile = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, help="Labelled reports, one JSON object a line"),
]
ModelOption = Annotated[
    Path, typer.Option("--model", envvar="CLASSIFIER_MODEL_FILE", help="The model file")
]
RulesOption = Annotated[
    Path, typer.Option("--rules", envvar="CLASSIFIER_RULES_FILE", help="The rule book")
]
CacheOption = Annotated[
    Path | None,
    typer.Option("--embedding-cache", help="Keep embeddings in this file for the next run"),
]


def _examples(path: Path) -> list[Example]:
    try:
        return load_examples(path)
    except ExampleFileError as error:
        raise typer.BadParameter(str(error), param_hint="FILE") from error


def _embedder(cache: Path | None) -> Embedder:
    from services.classifier.embedding import CachedEmbedder, E5Embedder  # noqa: PLC0415

    embedder = E5Embedder(threads=os.cpu_count() or 1)
    return embedder if cache is None else CachedEmbedder(embedder, cache)


@triage.command("evaluate")
def evaluate_command(
    file: LabelledFile,
    model: ModelOption = MODEL_FILE,
    rules: RulesOption = RULES_FILE,
    embedding_cache: CacheOption = None,
) -> None:
    """Recall and false alarms of possible emergencies, and grades, per form and overall."""
    from services.classifier.evaluation import judge, report_lines  # noqa: PLC0415
    from services.classifier.safety_net import SafetyNet, check_embedding  # noqa: PLC0415

    examples, book, triage_model = _examples(file), load_rules(rules), load_model(model)
    check_embedding(triage_model)
    net = SafetyNet(triage_model, _embedder(embedding_cache))
    for line in report_lines(judge(examples, book, net), book, net):
        typer.echo(line)


@triage.command("train")
def train_command(
    file: LabelledFile,
    out: Annotated[Path, typer.Option("--out", help="Where to write the model file")],
    rules: RulesOption = RULES_FILE,
    embedding_cache: CacheOption = None,
) -> None:
    """Train on a labelled file; thresholds by cross-validation on that file alone."""
    try:
        from services.classifier.training import train  # noqa: PLC0415
    except ImportError as error:  # pragma: no cover - the service image has no scikit-learn
        raise typer.BadParameter("training needs scikit-learn (`uv sync` installs it)") from error

    examples, book = _examples(file), load_rules(rules)
    model = train(examples, file, _embedder(embedding_cache), book, datetime.now(UTC).date())
    out.write_text(model.model_dump_json(indent=1) + "\n", encoding="utf-8")
    figures = model.training.cross_validated
    typer.echo(
        f"model {model.version}: {model.training.examples} reports, "
        f"C {model.training.regularisation_c}, words weight {model.words.weight}"
    )
    typer.echo(f"thresholds: low {model.thresholds.low:.4f}, high {model.thresholds.high:.4f}")
    typer.echo(
        f"cross-validated, rules + model at low:  recall {figures['low_recall']:.3f}, "
        f"false alarms {figures['low_false_alarms']:.3f}"
    )
    typer.echo(
        f"cross-validated, rules + model at high: recall {figures['high_recall']:.3f}, "
        f"false alarms {figures['high_false_alarms']:.3f}"
    )
    typer.echo(f"written to {out}")
