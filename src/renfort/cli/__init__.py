"""The ``renfort`` command (Typer + Rich): thin wrappers over the use cases."""
