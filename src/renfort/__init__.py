"""Renfort: a crisis hotline through outsourced contact centers."""

__version__ = "0.1.0"
