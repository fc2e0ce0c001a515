"""What changed between two versions of an article, told in plain French for a briefing."""

from __future__ import annotations

import difflib

from renfort.knowledge.articles import Version

_FIELDS = {"question": "Question", "answer": "Réponse", "category": "Thème",
           "alternative": "Autre formulation", "source": "Source",
           "source_date": "Date de la source", "source_url": "Lien de la source",
           "tags": "Mots-clés", "audience": "Public", "lang": "Langue"}


def _lines(version: Version) -> list[tuple[str, str]]:
    c = version.content
    lines = [("question", c.question)] + [("alternative", a) for a in c.alternatives]
    lines += [("answer", line.strip()) for line in c.answer.splitlines() if line.strip()]
    lines += [("category", c.category), ("source", c.source_body),
              ("source_date", c.source_date.strftime("%d/%m/%Y")),
              ("source_url", c.source_url or ""), ("tags", ", ".join(c.tags))]
    return [(field, text) for field, text in lines if text]


def plain_changes(old: Version | None, new: Version) -> list[str]:
    """One sentence per change: « Réponse — ajouté : … », « Réponse — retiré : … »."""
    if old is None:
        return [f"Nouvelle fiche : {new.content.question}"]
    before, after = _lines(old), _lines(new)
    changes = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            changes += [f"{_FIELDS[f]} — retiré : {t}" for f, t in before[i1:i2]]
        if op in ("insert", "replace"):
            changes += [f"{_FIELDS[f]} — ajouté : {t}" for f, t in after[j1:j2]]
    return changes or ["Aucun changement de contenu."]
