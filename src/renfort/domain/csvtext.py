"""CSV text as people send it: any line ending (CR LF, LF, or a lone CR from old Mac
exports and some spreadsheet tools), and the csv module's own errors as clear refusals."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

from renfort.domain.errors import ValidationError


def csv_buffer(text: str) -> io.StringIO:
    """``text`` with every line ending written ``\\n``, ready for :mod:`csv` readers."""
    return io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"))


@contextmanager
def csv_errors(reader: object) -> Iterator[None]:
    """Turn a :class:`csv.Error` raised while reading into a :class:`ValidationError`
    naming the line (``reader`` is the csv reader, for its ``line_num``)."""
    try:
        yield
    except csv.Error as error:
        line = getattr(reader, "line_num", 0)
        raise ValidationError(f"line {line}: unreadable CSV ({error})",
                              {"line": line, "column": None}, reason="csv-unreadable") from None
