"""Repository functions of the knowledge base: versions as domain objects, revisions.

Like ``repository``, every function takes an open ``Connection`` in the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from renfort.knowledge.articles import Audience, Content, Status, Version
from renfort.store import knowledge_tables as k


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: str
    client_id: str
    ref: str
    status: str
    created_at: float
    updated_at: float


def version_from(row: Any, ref: str) -> Version:
    content = Content(
        question=row["question"], answer=row["answer"], category=row["category"],
        source_body=row["source_body"], source_date=date.fromisoformat(row["source_date"]),
        source_url=row["source_url"], alternatives=tuple(row["alternatives"] or ()),
        audience=Audience(row["audience"]), lang=row["lang"], tags=tuple(row["tags"] or ()),
    )
    return Version(ref=ref, number=row["number"], content=content, status=Status(row["status"]),
                   valid_from=row["valid_from"], valid_to=row["valid_to"],
                   created_at=row["created_at"], created_by=row["created_by"],
                   published_at=row["published_at"], published_by=row["published_by"])


def _version_values(v: Version) -> dict[str, Any]:
    c = v.content
    return {"number": v.number, "question": c.question, "alternatives": list(c.alternatives),
            "answer": c.answer, "category": c.category, "audience": str(c.audience),
            "lang": c.lang, "tags": list(c.tags), "source_body": c.source_body,
            "source_url": c.source_url, "source_date": c.source_date.isoformat(),
            "status": str(v.status), "valid_from": v.valid_from, "valid_to": v.valid_to,
            "created_at": v.created_at, "created_by": v.created_by,
            "published_at": v.published_at, "published_by": v.published_by}


def bump_revision(conn: Connection, client_id: str) -> int:
    """The base's next revision (created at 1), in the caller's transaction."""
    current = conn.execute(select(k.kb_revisions.c.revision)
                           .where(k.kb_revisions.c.client_id == client_id)
                           .with_for_update()).scalar_one_or_none()
    if current is None:
        conn.execute(insert(k.kb_revisions).values(client_id=client_id, revision=1))
        return 1
    conn.execute(update(k.kb_revisions).where(k.kb_revisions.c.client_id == client_id)
                 .values(revision=current + 1))
    return int(current) + 1


def revision(conn: Connection, client_id: str) -> int:
    found = conn.execute(select(k.kb_revisions.c.revision)
                         .where(k.kb_revisions.c.client_id == client_id)).scalar_one_or_none()
    return int(found or 0)


def article(conn: Connection, client_id: str, ref: str) -> ArticleRow | None:
    row = conn.execute(select(k.kb_articles).where(k.kb_articles.c.client_id == client_id)
                       .where(k.kb_articles.c.ref == ref)).mappings().first()
    return ArticleRow(**row) if row else None


def articles(conn: Connection, client_id: str) -> list[ArticleRow]:
    rows = conn.execute(select(k.kb_articles).where(k.kb_articles.c.client_id == client_id)
                        .order_by(k.kb_articles.c.ref)).mappings().all()
    return [ArticleRow(**r) for r in rows]


def insert_article(conn: Connection, row: ArticleRow) -> None:
    conn.execute(insert(k.kb_articles).values(
        id=row.id, client_id=row.client_id, ref=row.ref, status=row.status,
        created_at=row.created_at, updated_at=row.updated_at))


def set_article_status(conn: Connection, article_id: str, status: str, now: float) -> None:
    conn.execute(update(k.kb_articles).where(k.kb_articles.c.id == article_id)
                 .values(status=status, updated_at=now))


def versions(conn: Connection, article: ArticleRow) -> list[Version]:
    rows = conn.execute(select(k.kb_versions).where(k.kb_versions.c.article_id == article.id)
                        .order_by(k.kb_versions.c.number)).mappings().all()
    return [version_from(r, article.ref) for r in rows]


def articles_by_ref(conn: Connection, client_id: str) -> dict[str, ArticleRow]:
    """Every article of a base by its ref (one query: an import reads them all at once)."""
    return {a.ref: a for a in articles(conn, client_id)}


CHUNK = 500
"""Ids per ``IN (…)`` list: well under every database's limit on bound parameters."""


def versions_of(conn: Connection, chosen: Sequence[ArticleRow]) -> dict[str, list[Version]]:
    """The versions of many articles by article id, in number order (a query per 500)."""
    refs = {a.id: a.ref for a in chosen}
    out: dict[str, list[Version]] = {a.id: [] for a in chosen}
    ids = list(refs)
    for start in range(0, len(ids), CHUNK):
        rows = conn.execute(select(k.kb_versions)
                            .where(k.kb_versions.c.article_id.in_(ids[start:start + CHUNK]))
                            .order_by(k.kb_versions.c.article_id, k.kb_versions.c.number)
                            ).mappings()
        for row in rows:
            out[row["article_id"]].append(version_from(row, refs[row["article_id"]]))
    return out


def insert_articles(conn: Connection, rows: Sequence[ArticleRow]) -> None:
    """Many new articles in one statement (executemany)."""
    insert_rows(conn, k.kb_articles, (
        {"id": r.id, "client_id": r.client_id, "ref": r.ref, "status": r.status,
         "created_at": r.created_at, "updated_at": r.updated_at} for r in rows))


def insert_versions(conn: Connection, rows: Sequence[tuple[ArticleRow, Version]],
                    rev: int) -> None:
    """Many new versions in one statement (executemany)."""
    insert_rows(conn, k.kb_versions, (
        {"article_id": a.id, "client_id": a.client_id, "revision": rev, **_version_values(v)}
        for a, v in rows))


def update_versions(conn: Connection, rows: Sequence[tuple[ArticleRow, Version]],
                    rev: int) -> None:
    """:func:`update_version` for many versions in one statement."""
    if not rows:
        return
    c = k.kb_versions.c
    conn.execute(update(k.kb_versions)
                 .where(c.article_id == bindparam("b_article"))
                 .where(c.number == bindparam("b_number"))
                 .values(status=bindparam("b_status"), valid_from=bindparam("b_from"),
                         valid_to=bindparam("b_to"), published_at=bindparam("b_at"),
                         published_by=bindparam("b_by"), revision=rev),
                 [{"b_article": a.id, "b_number": v.number, "b_status": str(v.status),
                   "b_from": v.valid_from, "b_to": v.valid_to, "b_at": v.published_at,
                   "b_by": v.published_by} for a, v in rows])


def set_articles_status(conn: Connection, article_ids: Sequence[str], status: str,
                        now: float) -> None:
    """:func:`set_article_status` for many articles in one statement."""
    if article_ids:
        conn.execute(update(k.kb_articles).where(k.kb_articles.c.id == bindparam("b_id"))
                     .values(status=status, updated_at=now),
                     [{"b_id": i} for i in article_ids])


def next_number(conn: Connection, article_id: str) -> int:
    top = conn.execute(select(func.max(k.kb_versions.c.number))
                       .where(k.kb_versions.c.article_id == article_id)).scalar_one_or_none()
    return int(top or 0) + 1


def insert_version(conn: Connection, article: ArticleRow, version: Version, rev: int) -> None:
    conn.execute(insert(k.kb_versions).values(
        article_id=article.id, client_id=article.client_id, revision=rev,
        **_version_values(version)))


def update_version(conn: Connection, article: ArticleRow, version: Version, rev: int) -> None:
    """Store a version's new status and window (its content never changes)."""
    conn.execute(update(k.kb_versions)
                 .where(k.kb_versions.c.article_id == article.id)
                 .where(k.kb_versions.c.number == version.number)
                 .values(status=str(version.status), valid_from=version.valid_from,
                         valid_to=version.valid_to, published_at=version.published_at,
                         published_by=version.published_by, revision=rev))


def touch_versions(conn: Connection, article_id: str, rev: int) -> None:
    """Mark every version of an article changed at ``rev`` (archive, restore)."""
    conn.execute(update(k.kb_versions).where(k.kb_versions.c.article_id == article_id)
                 .values(revision=rev))


@dataclass(frozen=True, slots=True)
class Change:
    """A version as an index must now hold it; ``archived`` means drop the whole article."""

    version: Version
    archived: bool
    revision: int


def changes_since(conn: Connection, client_id: str, since: int) -> list[Change]:
    """Versions of the base changed after revision ``since`` (all of them for 0)."""
    query = (select(k.kb_versions, k.kb_articles.c.ref,
                    k.kb_articles.c.status.label("article_status"))
             .join(k.kb_articles, k.kb_articles.c.id == k.kb_versions.c.article_id)
             .where(k.kb_versions.c.client_id == client_id)
             .where(k.kb_versions.c.revision > since)
             .order_by(k.kb_versions.c.revision, k.kb_versions.c.id))
    if since == 0:
        query = query.where(k.kb_versions.c.status == str(Status.PUBLISHED))
    return [Change(version_from(r, r["ref"]), r["article_status"] == str(Status.ARCHIVED),
                   int(r["revision"])) for r in conn.execute(query).mappings()]


def versions_by_number(conn: Connection, client_id: str,
                       wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Version]:
    """Given versions of a base by ``(ref, number)`` (the hits of a search), in one query."""
    refs = sorted({ref for ref, _ in wanted})
    rows = conn.execute(
        select(k.kb_versions, k.kb_articles.c.ref)
        .join(k.kb_articles, k.kb_articles.c.id == k.kb_versions.c.article_id)
        .where(k.kb_articles.c.client_id == client_id)
        .where(k.kb_articles.c.ref.in_(refs))
        .where(k.kb_versions.c.number.in_(sorted({n for _, n in wanted})))).mappings()
    keep = set(wanted)
    return {(r["ref"], r["number"]): version_from(r, r["ref"]) for r in rows
            if (r["ref"], r["number"]) in keep}


def changed_count(conn: Connection, client_id: str, since: int) -> int:
    """How many versions of the base changed after revision ``since`` (indexed count)."""
    return int(conn.execute(select(func.count()).select_from(k.kb_versions)
                            .where(k.kb_versions.c.client_id == client_id)
                            .where(k.kb_versions.c.revision > since)).scalar_one())


def in_force_versions(conn: Connection, client_id: str) -> Sequence[Version]:
    """Every published version of a base's live articles (for export and reading)."""
    rows = conn.execute(
        select(k.kb_versions, k.kb_articles.c.ref)
        .join(k.kb_articles, k.kb_articles.c.id == k.kb_versions.c.article_id)
        .where(k.kb_versions.c.client_id == client_id)
        .where(k.kb_versions.c.status == str(Status.PUBLISHED))
        .where(k.kb_articles.c.status != str(Status.ARCHIVED))
        .order_by(k.kb_articles.c.ref, k.kb_versions.c.number)).mappings()
    return [version_from(r, r["ref"]) for r in rows]


def insert_rows(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch = list(rows)
    if batch:
        conn.execute(insert(table), batch)


@dataclass(frozen=True, slots=True)
class Snapshot:
    revision: int
    format: int
    data: bytes


def snapshot(conn: Connection, client_id: str) -> Snapshot | None:
    """The stored snapshot of a base's search index, if any."""
    t = k.kb_index_snapshots.c
    row = conn.execute(select(t.revision, t.format, t.data)
                       .where(t.client_id == client_id)).first()
    return Snapshot(int(row.revision), int(row.format), bytes(row.data)) if row else None


def save_snapshot(conn: Connection, client_id: str, shot: Snapshot, now: float) -> bool:
    """Keep ``shot`` unless the stored one is as recent (another process got there first)."""
    t = k.kb_index_snapshots.c
    stored = conn.execute(select(t.revision).where(t.client_id == client_id)
                          .with_for_update()).scalar_one_or_none()
    values = {"revision": shot.revision, "format": shot.format, "data": shot.data,
              "saved_at": now}
    if stored is None:
        conn.execute(insert(k.kb_index_snapshots).values(client_id=client_id, **values))
    elif stored < shot.revision:
        conn.execute(update(k.kb_index_snapshots).where(t.client_id == client_id)
                     .values(**values))
    else:
        return False
    return True
