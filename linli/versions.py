"""The versions of the software that shaped linli's numbers and its reports.

A report's provenance section and ``linli --version --verbose`` list them, so that a
reader can tell which numerical libraries computed the figures and which ones drew and
printed them. The whole environment is pinned in ``requirements-lock.txt``; these are
the packages whose version can change a number, a figure or a page.

``NUMBERS``    packages that read the ledgers and compute the indicators, index and maps
``RENDERING``  packages that draw the figures and turn notebooks into HTML, PDF and Word
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

__all__ = ["NUMBERS", "RENDERING", "numbers_versions", "package_versions", "rendering_versions"]

NUMBERS: tuple[str, ...] = (
    "numpy", "pandas", "pyarrow", "geopandas", "shapely", "pyproj", "pyogrio", "openpyxl",
    "pyyaml", "jsonschema",
)
RENDERING: tuple[str, ...] = (
    "matplotlib", "mplfonts", "jinja2", "nbformat", "nbclient", "nbconvert", "papermill", "ipykernel",
    "mistune", "playwright", "python-docx",
)


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def package_versions() -> dict[str, str]:
    """Return ``{name: version}``: Python, linli, then :data:`NUMBERS` and :data:`RENDERING`.

    Packages that are not installed are left out (an optional one, such as the Word
    export's, may be absent).

    Examples
    --------
    >>> v = package_versions()
    >>> list(v)[:2], v["numpy"] == version("numpy")
    (['python', 'linli'], True)
    """
    out = {"python": platform.python_version(), "linli": _version("linli") or "0.0.0"}
    for name in (*NUMBERS, *RENDERING):
        found = _version(name)
        if found is not None:
            out[name] = found
    return out


def numbers_versions() -> dict[str, str]:
    """Python, linli and the :data:`NUMBERS` packages: what a build records beside its results."""
    found = package_versions()
    return {k: v for k, v in found.items() if k in ("python", "linli", *NUMBERS)}


def rendering_versions() -> dict[str, str]:
    """The :data:`RENDERING` packages that are installed: what drew and printed a report."""
    found = package_versions()
    return {k: v for k, v in found.items() if k in RENDERING}
