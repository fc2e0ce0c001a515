"""How every ``renfort`` command fails: one line on stderr, exit code 2, nothing written."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from renfort.domain.errors import RenfortError

P = ParamSpec("P")
R = TypeVar("R")
err = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print ``message`` as the one error line; raise the returned exit."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def one_line_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Domain errors, unreadable files and non-UTF-8 input end the command in one line."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except RenfortError as error:
            raise fail(error.message) from None
        except UnicodeDecodeError:
            raise fail("the file must be UTF-8 text") from None
        except OSError as error:
            raise fail(f"{error.strerror or error}: {error.filename}") from None

    return wrapper
