"""A search index as bytes, to be stored and loaded instead of rebuilt.

Analysing 20,000 articles takes tens of seconds; loading what the analysis produced takes
well under one. The bytes are a NumPy ``.npz`` archive: the arrays as they are, and the
strings (keys, terms, words) as one JSON document, so loading never unpickles anything (a
snapshot read from the store cannot run code). :data:`FORMAT` changes whenever the layout
or the analysis changes; a snapshot of another format is ignored and the index rebuilt.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from renfort.knowledge.search import KnowledgeSearch
from renfort.knowledge.synonyms import Synonyms
from renfort.knowledge.text import Analyzer

FORMAT = 1
_STRINGS = "__strings__"


def dump(search: KnowledgeSearch) -> bytes:
    """The search's index, vocabulary and publication windows as bytes."""
    arrays: dict[str, np.ndarray] = {}
    rest: dict[str, Any] = {}
    for name, value in search.export().items():
        if isinstance(value, np.ndarray):
            arrays[name] = value
        else:
            rest[name] = value
    arrays[_STRINGS] = np.frombuffer(json.dumps(rest, ensure_ascii=False).encode(), np.uint8)
    out = io.BytesIO()
    np.savez(out, allow_pickle=False, **arrays)
    return out.getvalue()


def load(data: bytes, analyzer: Analyzer | None = None,
         synonyms: Synonyms | None = None) -> KnowledgeSearch:
    """The search :func:`dump` saved (raises ``ValueError`` on bytes it did not write)."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            fields: dict[str, Any] = {name: archive[name] for name in archive.files}
        strings: Mapping[str, Any] = json.loads(fields.pop(_STRINGS).tobytes())
        return KnowledgeSearch.restore({**fields, **strings}, analyzer, synonyms)
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a search snapshot: {error}") from error
