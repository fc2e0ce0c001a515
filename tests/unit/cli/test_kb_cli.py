"""``renfort kb`` through Typer's test runner, on a copy of the demo database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renfort.cli.kb import app
from renfort.config import Settings

LINE = {"id": "cli-test", "question": "Les déchetteries sont-elles ouvertes ?",
        "alternatives": ["Puis-je aller à la déchetterie ?"],
        "answer": "Elles sont fermées pendant le confinement, sauf pour les professionnels.",
        "category": "commerces", "lang": "fr", "source": "Ma commune",
        "source_url": "https://www.example.fr", "source_date": "2020-03-25",
        "audience": "public"}


@pytest.fixture
def database(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RENFORT_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.delenv("RENFORT_DATABASE_URL", raising=False)
    return demo_settings.data_dir


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")
    return path


def test_import_then_search_and_export(database: Path, tmp_path: Path) -> None:
    code, out, err = run("import", str(_write(tmp_path / "a.jsonl", [LINE])))
    assert code == 0, err
    assert "1 created" in out
    code, out, _ = run("search", "la decheterie est ouverte ?", "--json")
    assert json.loads(out)["ids"][0] == "cli-test"
    code, out, _ = run("import", str(tmp_path / "a.jsonl"))
    assert "1 unchanged" in out
    code, out, _ = run("export")
    exported = [json.loads(line) for line in out.splitlines()]
    assert any(row["id"] == "cli-test" for row in exported) and len(exported) >= 80


def test_a_bad_line_is_refused_with_its_number_and_nothing_is_imported(
        database: Path, tmp_path: Path) -> None:
    bad = {**LINE, "id": "cli-bad", "source_date": "25 mars"}
    path = _write(tmp_path / "b.jsonl", [{**LINE, "id": "cli-ok"}, bad])
    code, out, err = run("import", str(path))
    assert code == 2
    assert err.count("\n") == 1 and "line 2" in err and "source_date" in err
    code, out, _ = run("search", "déchetterie", "--json")
    assert "cli-ok" not in json.loads(out)["ids"]


def test_missing_file_is_one_line_exit_2(database: Path) -> None:
    code, _, err = run("import", "/nonexistent/file.jsonl")
    assert code == 2 and err.count("\n") == 1


def test_batch_search_and_triage_keep_input_order(database: Path, tmp_path: Path) -> None:
    questions = _write(tmp_path / "q.txt", ["attestation pour sortir", "chomage partiel salaire",
                                            "j'ai du mal à respirer"])
    _, out, _ = run("search", "--file", str(questions), "--k", "2")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["ids"][0] for r in rows[:2]] == ["attestation-deplacement",
                                               "activite-partielle-salarie"]
    assert all(len(r["scores"]) == len(r["ids"]) for r in rows)
    _, out, _ = run("triage", "--file", str(questions))
    labels = [json.loads(line)["label"] for line in out.splitlines()]
    assert labels == ["non_medical", "non_medical", "medical_urgent"]
    assert all(json.loads(line)["reason"] for line in out.splitlines())


def test_eval_retrieval_and_triage(database: Path, tmp_path: Path) -> None:
    queries = _write(tmp_path / "r.jsonl", [
        {"query": "faut il un papier pour sortir", "relevant_ids": ["attestation-deplacement"]},
        {"query": "visite ehpad", "relevant_ids": ["ehpad-visites"]}])
    code, out, err = run("eval", "--queries", str(queries), "--json")
    assert code == 0, err
    assert json.loads(out) == {"queries": 2, "top1": 1.0, "top5": 1.0, "mrr": 1.0}
    labelled = _write(tmp_path / "t.jsonl", [
        {"question": "j'ai de la fièvre", "label": "medical_advice"},
        {"question": "attestation pour sortir", "label": "non_medical"}])
    code, out, err = run("eval", "--triage", str(labelled), "--json")
    assert code == 0, err
    scores = json.loads(out)
    classes = {c["label"]: c for c in scores["classes"]}
    assert classes["medical"]["recall"] == 1.0 and classes["non_medical"]["precision"] == 1.0
    assert scores["false_alarms"] == 0.0 and scores["redirect_recall"] == 1.0


def test_eval_triage_prints_safety_figures(database: Path, tmp_path: Path) -> None:
    labelled = _write(tmp_path / "t.jsonl", [
        {"question": "mon grand-père est par terre et ne bouge plus", "label": "medical_urgent"},
        {"question": "jai de la fievre depuis hier", "label": "medical"},
        {"question": "je me sens tellement seule", "label": "psychological"},
        {"question": "je crève de faim, les boulangeries sont ouvertes ?",
         "label": "non_medical"}])
    code, out, err = run("eval", "--triage", str(labelled))
    assert code == 0, err
    assert "urgent recall (labelled medical_urgent): 1.000" in out
    assert "false alarms (non-medical redirected): 0.000" in out
    code, _, err = run("eval", "--triage", str(labelled), "--queries", str(labelled))
    assert code == 2 and err.count("\n") == 1
    code, _, err = run("eval", "--queries", str(questions_bad(tmp_path)))
    assert code == 2 and "line 1" in err


def questions_bad(tmp_path: Path) -> Path:
    return _write(tmp_path / "bad.jsonl", ['{"query": "sans relevant_ids"}'])


def test_an_answer_holding_a_unicode_line_separator_is_one_line(database: Path,
                                                                 tmp_path: Path) -> None:
    line = {**LINE, "id": "cli-sep", "answer": "Première ligne\u2028seconde ligne\u0085fin."}
    path = tmp_path / "sep.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\r\n", encoding="utf-8")
    code, out, err = run("import", str(path))
    assert code == 0, err
    code, out, _ = run("export")
    exported = {row["id"]: row for row in map(json.loads, out.strip().split("\n"))}
    assert exported["cli-sep"]["answer"] == line["answer"]


def test_eval_reads_the_repositorys_own_query_table(database: Path) -> None:
    """``tests/fixtures/kb_queries_fr.jsonl`` names one expected id per query."""
    table = Path(__file__).resolve().parents[2] / "fixtures" / "kb_queries_fr.jsonl"
    code, out, err = run("eval", "--queries", str(table), "--json")
    assert code == 0, err
    scores = json.loads(out)
    assert scores["queries"] == sum(1 for line in table.read_text().splitlines() if line)
    assert scores["top5"] > 0.8


def test_import_splits_lines_on_newlines_only_and_keeps_categories_as_typed(
        database: Path, tmp_path: Path) -> None:
    # U+2028 and U+2029 are valid raw inside a JSON string; str.splitlines() cut there.
    separated = {**LINE, "id": "cli-u2028", "category": "Vie quotidienne",
                 "answer": "Première partie.\u2028Seconde partie.\u2029Fin."}
    path = tmp_path / "sep.jsonl"
    path.write_text(json.dumps(separated, ensure_ascii=False) + "\r\n", encoding="utf-8")
    code, out, err = run("import", str(path))
    assert code == 0, err
    assert "1 created" in out
    code, out, _ = run("export")
    row = next(json.loads(line) for line in out.split("\n")
               if line and json.loads(line)["id"] == "cli-u2028")
    assert row["category"] == "Vie quotidienne"
    assert row["answer"] == separated["answer"]
    for category in ("", "deux\nlignes", "x" * 61):
        code, _, err = run("import", str(_write(tmp_path / "c.jsonl",
                                                [{**LINE, "id": "cli-cat",
                                                  "category": category}])))
        assert code == 2 and "category" in err, category
