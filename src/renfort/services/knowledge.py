"""Knowledge base use cases: articles, versions, publication, import and export.

Every use case is one transaction and bumps the base's revision when it changes anything,
so every process's index catches up (see :mod:`renfort.services.knowledge_search`); the
index of this process is updated right after the commit. Tenancy: :mod:`knowledge_access`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from renfort.domain import bounds
from renfort.domain.clock import Clock, to_iso, to_seconds
from renfort.domain.errors import ConflictError, NotFoundError, ValidationError
from renfort.domain.ids import new_id
from renfort.knowledge import articles as a
from renfort.services import knowledge_access as access
from renfort.services.knowledge_search import Found, KnowledgeBases, version_out
from renfort.services.principals import Principal
from renfort.store import knowledge_repository as kr

Data = dict[str, Any]


def _seconds(moment: datetime | None) -> float | None:
    """A publication window's edge as POSIX seconds, within the years every page shows."""
    if moment is None:
        return None
    return to_seconds(bounds.check_instant(moment, "valid_from / valid_to"))


def _article_out(article: kr.ArticleRow, versions: Sequence[a.Version], now: float,
                 history: bool) -> Data:
    current = a.in_force(versions, now)
    latest = versions[-1] if versions else None
    out: Data = {"id": article.ref, "status": article.status,
                 "created_at": to_iso(article.created_at), "updated_at": to_iso(article.updated_at),
                 "in_force": version_out(current) if current else None}
    if history:
        out["latest_version"] = latest.number if latest else None
        out["versions"] = [{"version": v.number, "status": str(v.status),
                            "valid_from": to_iso(v.valid_from), "valid_to": to_iso(v.valid_to),
                            "created_by": v.created_by} for v in versions]
    return out


def json_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text. Only ``\n`` ends a line (``\r\n`` too): JSON allows
    U+2028, U+2029, form feeds… raw inside strings, where ``str.splitlines`` would cut."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines and not lines[-1] else lines


def parse_import_lines(lines: Sequence[str]) -> list[tuple[str, a.Content]]:
    """Validate a JSON Lines import entirely; the first bad line is refused with its number."""
    parsed: list[tuple[str, a.Content]] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValidationError("each line must be a JSON object", {},
                                      reason="import-line-object")
            ref = a.check_ref(data.get("id"))  # type: ignore[arg-type]
            if ref in seen:
                raise ValidationError(f"id {ref!r} appears twice", {"field": "id"},
                                      reason="import-id-twice", values={"id": ref})
            seen.add(ref)
            parsed.append((ref, a.content_from(data)))
        except json.JSONDecodeError as error:
            raise ValidationError(f"line {number}: not JSON ({error.msg})",
                                  {"line": number}, reason="import-line-json") from None
        except ValidationError as error:
            raise ValidationError(f"line {number}: {error.message}",
                                  {"line": number, **error.details},
                                  reason="import-line-invalid") from None
    return parsed


class _ImportBatch:
    """What an import writes, gathered first and then written one statement per table."""

    def __init__(self) -> None:
        self.articles: list[kr.ArticleRow] = []
        self.versions: list[tuple[kr.ArticleRow, a.Version]] = []
        self.updates: list[tuple[kr.ArticleRow, a.Version]] = []
        self.published: list[kr.ArticleRow] = []

    def publish(self, article: kr.ArticleRow, versions: Sequence[a.Version], number: int,
                by: str, now: float, *, unwritten: bool = False) -> None:
        """As :meth:`KnowledgeService._publish`; ``unwritten``: the version published is
        the last one added to the batch, so it is written as published at once."""
        for changed in a.publish(versions, number, now=now, by=by):
            if unwritten and changed.number == number:
                self.versions[-1] = (article, changed)
            else:
                self.updates.append((article, changed))
        self.published.append(article)

    def write(self, conn: Connection, rev: int, now: float) -> None:
        published = {x.id for x in self.published}
        new = {x.id for x in self.articles}
        kr.insert_articles(conn, [replace(x, status=str(a.Status.PUBLISHED), updated_at=now)
                                  if x.id in published else x for x in self.articles])
        kr.insert_versions(conn, self.versions, rev)
        kr.update_versions(conn, self.updates, rev)
        for article in self.published:
            if article.status == str(a.Status.ARCHIVED):
                kr.touch_versions(conn, article.id, rev)
        kr.set_articles_status(conn, [x.id for x in self.published if x.id not in new],
                               str(a.Status.PUBLISHED), now)


class KnowledgeService:
    """Articles of the bases, within the caller's tenant."""

    def __init__(self, engine: Engine, clock: Clock, bases: KnowledgeBases) -> None:
        self._engine = engine
        self._clock = clock
        self.bases = bases

    # ------------------------------------------------------------------ reading

    def _article(self, conn: Connection, client_id: str, ref: str,
                 who: Principal | None) -> kr.ArticleRow:
        article = kr.article(conn, client_id, ref)
        hidden = article is None or (
            who is not None and not access.sees_history(who)
            and a.in_force(kr.versions(conn, article), self._clock.now()) is None)
        if article is None or hidden:
            raise NotFoundError(f"no article {ref!r} in this base", {"id": ref},
                                reason="article-unknown")
        return article

    def list_articles(self, who: Principal, client: str) -> list[Data]:
        now = self._clock.now()
        history = access.sees_history(who)
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            out = []
            for article in kr.articles(conn, client_id):
                summary = _article_out(article, kr.versions(conn, article), now, history)
                if history or summary["in_force"] is not None:
                    out.append(summary)
            return out

    def get(self, who: Principal, client: str, ref: str) -> Data:
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            article = self._article(conn, client_id, ref, who)
            return _article_out(article, kr.versions(conn, article), self._clock.now(),
                                access.sees_history(who))

    def history(self, who: Principal, client: str, ref: str) -> list[Data]:
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            if not access.sees_history(who):
                raise NotFoundError("the history is for editors and the client", {},
                                    reason="history-editors")
            article = self._article(conn, client_id, ref, who)
            return [version_out(v) for v in kr.versions(conn, article)]

    def version(self, who: Principal, client: str, ref: str, number: int) -> Data:
        return version_out(self._version(who, client, ref, number))

    def _version(self, who: Principal, client: str, ref: str, number: int) -> a.Version:
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            article = self._article(conn, client_id, ref, who)
            versions = kr.versions(conn, article)
        found = next((v for v in versions if v.number == number), None)
        visible = access.sees_history(who) or (
            found is not None and found.in_force_at(self._clock.now()))
        if found is None or not visible:
            raise NotFoundError(f"article {ref!r} has no version {number}", {"version": number},
                                reason="article-version-unknown")
        return found

    def diff(self, who: Principal, client: str, ref: str, old: int, new: int) -> Data:
        if not access.sees_history(who):
            raise NotFoundError("the history is for editors and the client", {},
                                reason="history-editors")
        first = self._version(who, client, ref, old)
        second = self._version(who, client, ref, new)
        return {"id": ref, "from": old, "to": new, "diff": a.diff(first, second)}

    def search(self, client: str, text: str, *, k: int = 5, public_only: bool = False,
               who: Principal | None = None) -> Found:
        """Search a base: within ``who``'s tenant, or as the operator (CLI) when None."""
        with self._engine.connect() as conn:
            client_id = (access.readable_base(conn, who, client) if who is not None
                         else access.client_id_of(conn, client))
            return self.bases.search(client_id, text, k=k, public_only=public_only, conn=conn)

    # ------------------------------------------------------------------ writing

    def _write(self, client_id: str, work: Any) -> Any:
        try:
            with self._engine.begin() as conn:
                rev = kr.bump_revision(conn, client_id)
                result = work(conn, rev)
        except IntegrityError as error:
            raise ConflictError("this change clashes with another one; try again", {},
                                reason="edit-clash") \
                from error
        self.bases.refresh(client_id)
        return result

    def create(self, who: Principal, client: str, ref: str, data: Data, *,
               publish: bool = False, valid_from: datetime | None = None,
               valid_to: datetime | None = None) -> Data:
        """A new article with its version 1 (a draft, or published at once)."""
        a.check_ref(ref)
        content = a.content_from(data)
        with self._engine.connect() as conn:
            client_id = access.editable_base(conn, who, client)
            if kr.article(conn, client_id, ref) is not None:
                raise ConflictError(f"article {ref!r} exists; edit it instead", {"id": ref},
                                    reason="article-exists")

        def work(conn: Connection, rev: int) -> Data:
            now = self._clock.now()
            article = kr.ArticleRow(new_id(), client_id, ref, str(a.Status.DRAFT), now, now)
            kr.insert_article(conn, article)
            draft = a.Version(ref, 1, content, created_at=now, created_by=who.username)
            kr.insert_version(conn, article, draft, rev)
            if publish:
                self._publish(conn, article, [draft], 1, who.username, rev,
                              _seconds(valid_from), _seconds(valid_to))
            return self._out(conn, article)

        out: Data = self._write(client_id, work)
        return out

    def edit(self, who: Principal, client: str, ref: str, data: Data) -> Data:
        """A new draft version with the given content (the old versions stay as they are)."""
        content = a.content_from(data)
        with self._engine.connect() as conn:
            client_id = access.editable_base(conn, who, client)
            article = self._article(conn, client_id, ref, None)

        def work(conn: Connection, rev: int) -> Data:
            number = kr.next_number(conn, article.id)
            draft = a.Version(ref, number, content, created_at=self._clock.now(),
                              created_by=who.username)
            kr.insert_version(conn, article, draft, rev)
            return version_out(draft)

        out: Data = self._write(client_id, work)
        return out

    def publish(self, who: Principal, client: str, ref: str, number: int, *,
                valid_from: datetime | None = None, valid_to: datetime | None = None) -> Data:
        """Publish a draft version: in force from ``valid_from`` (default now)."""
        with self._engine.connect() as conn:
            client_id = access.editable_base(conn, who, client)
            article = self._article(conn, client_id, ref, None)

        def work(conn: Connection, rev: int) -> Data:
            versions = kr.versions(conn, article)
            self._publish(conn, article, versions, number, who.username, rev,
                          _seconds(valid_from), _seconds(valid_to))
            return self._out(conn, article)

        out: Data = self._write(client_id, work)
        return out

    def _publish(self, conn: Connection, article: kr.ArticleRow,
                 versions: Sequence[a.Version], number: int, by: str, rev: int,
                 valid_from: float | None, valid_to: float | None) -> None:
        now = self._clock.now()
        for changed in a.publish(versions, number, now=now, by=by, valid_from=valid_from,
                                 valid_to=valid_to):
            kr.update_version(conn, article, changed, rev)
        if article.status == str(a.Status.ARCHIVED):
            kr.touch_versions(conn, article.id, rev)
        kr.set_article_status(conn, article.id, str(a.Status.PUBLISHED), now)

    def archive(self, who: Principal, client: str, ref: str) -> Data:
        """Withdraw an article from search and self-service; its history stays."""
        with self._engine.connect() as conn:
            client_id = access.editable_base(conn, who, client)
            article = self._article(conn, client_id, ref, None)
        if article.status == str(a.Status.ARCHIVED):
            raise ConflictError(f"article {ref!r} is already archived", {"id": ref},
                                reason="article-archived")

        def work(conn: Connection, rev: int) -> Data:
            kr.set_article_status(conn, article.id, str(a.Status.ARCHIVED), self._clock.now())
            kr.touch_versions(conn, article.id, rev)
            return self._out(conn, article)

        out: Data = self._write(client_id, work)
        return out

    def _out(self, conn: Connection, article: kr.ArticleRow) -> Data:
        fresh = kr.article(conn, article.client_id, article.ref) or article
        return _article_out(fresh, kr.versions(conn, fresh), self._clock.now(), True)

    # ------------------------------------------------------------------ import / export

    def import_lines(self, client: str, lines: Sequence[str], *, by: str,
                     publish: bool = True, index: bool = False) -> dict[str, int]:
        """Import articles (see :func:`parse_import_lines`) into a base, all or nothing.

        A new id makes an article; a known one gets a new version unless its in-force (or,
        for drafts, latest) content is the same, so importing a file twice changes nothing.
        ``index``: bring the base's search index up to date now and store it, so that no
        search (in any process) pays for analysing the articles imported.
        """
        parsed = parse_import_lines(lines)
        with self._engine.connect() as conn:
            client_id = access.client_id_of(conn, client)
        counts = {"created": 0, "updated": 0, "unchanged": 0}

        def work(conn: Connection, rev: int) -> None:
            # Read the base once and write in bulk: one statement per kind of change, not
            # one round trip per article (20,000 articles in seconds, not minutes).
            now = self._clock.now()
            known = kr.articles_by_ref(conn, client_id)
            history = kr.versions_of(conn, [known[r] for r, _ in parsed if r in known])
            batch = _ImportBatch()
            for ref, content in parsed:
                article = known.get(ref)
                if article is None:
                    article = kr.ArticleRow(new_id(), client_id, ref, str(a.Status.DRAFT),
                                            now, now)
                    batch.articles.append(article)
                    versions: list[a.Version] = []
                    counts["created"] += 1
                else:
                    versions = history[article.id]
                    reference = a.in_force(versions, now) or (versions[-1] if versions
                                                               else None)
                    live = article.status != str(a.Status.ARCHIVED)
                    if reference is not None and reference.content == content and live:
                        if publish and reference.status is a.Status.DRAFT:
                            batch.publish(article, versions, reference.number, by, now)
                            counts["updated"] += 1
                        else:
                            counts["unchanged"] += 1
                        continue
                    counts["updated"] += 1
                draft = a.Version(ref, len(versions) + 1, content, created_at=now,
                                  created_by=by)
                batch.versions.append((article, draft))
                if publish:
                    batch.publish(article, [*versions, draft], draft.number, by, now,
                                  unwritten=True)
            batch.write(conn, rev, now)

        self._write(client_id, work)
        if index:
            self.bases.sync(client_id, save=True)
        return counts

    def export(self, client: str) -> list[Data]:
        """The versions in force now, in the import format (one dict per article)."""
        now = self._clock.now()
        with self._engine.connect() as conn:
            client_id = access.client_id_of(conn, client)
            by_ref: dict[str, list[a.Version]] = {}
            for version in kr.in_force_versions(conn, client_id):
                by_ref.setdefault(version.ref, []).append(version)
        out = []
        for ref, versions in sorted(by_ref.items()):
            current = a.in_force(versions, now)
            if current is not None:
                out.append({"id": ref, **a.content_to(current.content),
                            "version": current.number})
        return out
