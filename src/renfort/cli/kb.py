"""``renfort kb``: import, export, search, triage and evaluate the knowledge base.

Works on the configured database (``RENFORT_*`` settings), as its operator: search and
triage read the articles published in the store. A bad input ends the command with one line
on stderr and exit code 2, and nothing is stored. Triage here is an offline tool: its
decisions are printed, not recorded (the API and the self-service record theirs).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from renfort.cli.errors import one_line_errors
from renfort.cli.kb_redirects import app as redirects_app
from renfort.domain.errors import ValidationError
from renfort.knowledge.articles import HOTLINE_BASE

if TYPE_CHECKING:
    from renfort.bootstrap import Runtime


app = typer.Typer(help="Knowledge base: import, export, search, triage, evaluation, "
                       "redirect directory.", no_args_is_help=True)
app.add_typer(redirects_app, name="redirects")
console = Console()
ClientOption = Annotated[str, typer.Option(help="the client whose base (slug)")]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON out (JSON Lines with --file)")]
FileOption = Annotated[Path | None, typer.Option(
    "--file", help="one question per line; one JSON result per line, in input order")]


def _runtime() -> Runtime:
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings

    return build_runtime(Settings())


def _lines(path: Path) -> list[str]:
    from renfort.services.knowledge import json_lines

    return json_lines(path.read_text(encoding="utf-8"))


def _questions(question: str | None, file: Path | None) -> Iterator[str]:
    if file is not None:
        yield from _lines(file)
    elif question is not None:
        yield question
    else:
        raise ValidationError("give a question, or --file with one question per line")


def _numbered_json_lines(path: Path, required: tuple[str, ...]
                         ) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(_lines(path), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValidationError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(row, dict) or any(k not in row for k in required):
            raise ValidationError(f"line {number}: needs {', '.join(required)}")
        rows.append((number, row))
    if not rows:
        raise ValidationError(f"{path}: no line to evaluate")
    return rows


def _json_lines(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    return [row for _, row in _numbered_json_lines(path, required)]


def _relevant(row: dict[str, Any], number: int) -> set[str]:
    """The ids a query should find: ``relevant_ids`` (a list) or ``expected`` (one id or a
    list), the form of the repository's own ``tests/fixtures/kb_queries_fr.jsonl``."""
    wanted = row.get("relevant_ids", row.get("expected"))
    if isinstance(wanted, str):
        wanted = [wanted]
    if not isinstance(wanted, list) or not wanted \
            or not all(isinstance(x, str) for x in wanted):
        raise ValidationError(f"line {number}: needs relevant_ids (a list of article ids) "
                              "or expected (an article id)")
    return set(wanted)


def _print(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


@app.command("import")
@one_line_errors
def import_(
    file: Annotated[Path, typer.Argument(help="JSON Lines: one article per line")],
    client: ClientOption = HOTLINE_BASE,
    draft: Annotated[bool, typer.Option(help="import as drafts, publish nothing")] = False,
    index: Annotated[bool, typer.Option(
        help="also update and store the search index now (else the first search does)")
    ] = False,
) -> None:
    """Import articles (id, question, alternatives, answer, category, lang, source,
    source_url, source_date, audience); a bad line is refused with its number and nothing
    is imported."""
    rt = _runtime()
    counts = rt.knowledge.import_lines(client, _lines(file), by="cli", publish=not draft,
                                       index=index)
    console.print(f"{client}: {counts['created']} created, {counts['updated']} updated, "
                  f"{counts['unchanged']} unchanged")


@app.command("export")
@one_line_errors
def export(
    client: ClientOption = HOTLINE_BASE,
    output: Annotated[Path | None, typer.Option(help="file (default: stdout)")] = None,
) -> None:
    """The articles in force, in the import format (JSON Lines)."""
    rt = _runtime()
    lines = [json.dumps(row, ensure_ascii=False) for row in rt.knowledge.export(client)]
    text = "\n".join(lines) + ("\n" if lines else "")
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"{len(lines)} articles → {output}")


@app.command("search")
@one_line_errors
def search(
    question: Annotated[str | None, typer.Argument(help="the question, as typed")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="results")] = 5,
    as_json: JsonOption = False,
    file: FileOption = None,
    client: ClientOption = HOTLINE_BASE,
    public: Annotated[bool, typer.Option(help="public articles only")] = False,
) -> None:
    """Search the published articles in force: best first, with scores and versions."""
    rt = _runtime()
    for text in _questions(question, file):
        found = rt.knowledge.search(client, text, k=k, public_only=public)
        hits = found.result.hits
        row = {"query": text, "ids": [h.ref for h in hits],
               "scores": [round(h.score, 4) for h in hits],
               "versions": [h.number for h in hits]}
        if as_json or file is not None:
            _print(row)
            continue
        table = Table(title=f"« {text} »")
        for column in ("#", "id", "v", "score", "question"):
            table.add_column(column)
        for rank, (hit, version) in enumerate(zip(hits, found.versions, strict=True), 1):
            table.add_row(str(rank), hit.ref, str(hit.number), f"{hit.score:.2f}",
                          version.content.question)
        console.print(table)


@app.command("triage")
@one_line_errors
def triage(
    question: Annotated[str | None, typer.Argument(help="the question, as typed")] = None,
    as_json: JsonOption = False,
    file: FileOption = None,
) -> None:
    """Medical scope guard: medical_urgent, medical, psychological, health_info or
    non_medical, with the reason."""
    rt = _runtime()
    for text in _questions(question, file):
        decision = rt.knowledge.bases.triage(text)
        row = {"question": text, "label": str(decision.label), "reason": decision.reason,
               "rule": decision.rule}
        if as_json or file is not None:
            _print(row)
        else:
            console.print(f"[bold]{decision.label}[/bold] — {decision.reason}", highlight=False)


@app.command("eval")
@one_line_errors
def evaluate(
    queries: Annotated[Path | None, typer.Option(
        "--queries", help="retrieval: JSON Lines {query, relevant_ids} or {query, expected}")
    ] = None,
    triage_file: Annotated[Path | None, typer.Option(
        "--triage", help="triage: JSON Lines {question, label}")] = None,
    as_json: JsonOption = False,
    client: ClientOption = HOTLINE_BASE,
    k: Annotated[int, typer.Option("--k", min=5, max=100, help="ranks read for MRR")] = 10,
) -> None:
    """Retrieval (top-1, top-5, MRR) or triage (recall per label, urgent recall, messages
    redirected, false alarms on non-medical ones)."""
    from renfort.knowledge import evaluation

    if (queries is None) == (triage_file is None):
        raise ValidationError("give --queries FILE (retrieval) or --triage FILE (triage)")
    rt = _runtime()
    if triage_file is not None:
        rows = _json_lines(triage_file, ("question", "label"))
        pairs = [(str(r["label"]), str(rt.knowledge.bases.triage(str(r["question"])).label))
                 for r in rows]
        scores = evaluation.safety(pairs)
        gold_labels = {g for g, _ in pairs}
        classes = [s.as_dict() for s in evaluation.per_class(
            [evaluation.collapse_triage(g, p, gold_labels) for g, p in pairs])]
        if as_json:
            _print({**scores.as_dict(), "classes": classes})
            return
        table = Table(title=f"triage, {scores.questions} questions")
        for column in ("label", "support", "recall"):
            table.add_column(column)
        for label, recall in scores.recall.items():
            table.add_row(label, str(scores.support[label]), f"{recall:.3f}")
        console.print(table)

        def shown(value: float | None) -> str:
            return "—" if value is None else f"{value:.3f}"

        console.print(f"urgent recall (labelled medical_urgent): {shown(scores.urgent_recall)}")
        console.print(f"redirected (urgent, medical, psychological sent elsewhere): "
                      f"{shown(scores.redirect_recall)} — {scores.missed} missed")
        console.print(f"false alarms (non-medical redirected): {shown(scores.false_alarms)}")
        return
    assert queries is not None
    rankings = []
    for number, row in _numbered_json_lines(queries, ("query",)):
        found = rt.knowledge.search(client, str(row["query"]), k=k)
        rankings.append(([h.ref for h in found.result.hits], _relevant(row, number)))
    result = evaluation.retrieval(rankings).as_dict()
    if as_json:
        _print(result)
    else:
        console.print(f"{result['queries']} queries: top-1 {result['top1']:.3f}, "
                      f"top-5 {result['top5']:.3f}, MRR {result['mrr']:.3f}")
