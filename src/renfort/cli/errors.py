"""How every ``renfort`` command fails: one line on stderr, exit code 2, nothing written."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

try:  # Typer ≥ 0.22 carries its own copy of Click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover
    from click import exceptions as click  # type: ignore[no-redef]

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


class OneLineUsageErrors(TyperGroup):
    """The ``renfort`` group: a usage error (unknown option, bad value, missing argument)
    is one line on stderr too, with where to find help, instead of Typer's framed box."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        except click.NoArgsIsHelpError as error:
            error.show()  # the help text itself, as asked by giving nothing
            sys.exit(error.exit_code)
        except click.UsageError as error:
            where = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
            raise SystemExit(_one_line(error.format_message().rstrip(".") + where,
                                       error.exit_code)) from None
        except click.ClickException as error:
            raise SystemExit(_one_line(error.format_message(), error.exit_code)) from None
        except typer.Abort:
            raise SystemExit(_one_line("interrupted", 1)) from None
        sys.exit(code if isinstance(code, int) else 0)


def _one_line(message: str, code: int) -> int:
    err.print(f"[red]error:[/red] {' '.join(message.split())}", highlight=False,
              soft_wrap=True, markup=True)
    return code
