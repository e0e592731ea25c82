"""Exceptions that the command line turns into one line and exit code 2."""

from __future__ import annotations


class LinliError(Exception):
    """Base of every error linli raises for bad input or bad options."""


class InputError(LinliError, ValueError):
    """An input file cannot be used: unreadable, empty, or missing a required column."""


class ContractError(LinliError, ValueError):
    """A value or option is outside the data contract."""


class OutputError(LinliError, OSError):
    """An output cannot be written where it was asked for, or would land outside it."""
