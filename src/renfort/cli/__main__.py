"""``python -m renfort.cli``: the same as the ``renfort`` command."""

from renfort.cli.main import app

app()
