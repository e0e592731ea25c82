"""Regenerate ``docs/indicators.md`` from the catalogue: ``python -m linli.indicators``."""

from __future__ import annotations

from .catalogue import write_markdown

if __name__ == "__main__":  # pragma: no cover
    print(write_markdown())
