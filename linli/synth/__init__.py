"""Synthetic data in the contract: the demo dataset and the scale generator.

:func:`generate` writes a complete dataset for one zone of *N* communities —
every table of :data:`linli.contract.TABLES` — as canonical files: UTF-8 CSV with
the English column names in contract order (ISO dates, ``true``/``false``, lists
joined with ``;``, empty cell = missing) and GeoJSON in EPSG:4326 for the three
geometry tables, plus a ``dataset.yaml`` (``synthetic: true`` and the as-of
date). :func:`generate_demo` writes the committed demo dataset of the Renmin
Street zone (``data/raw``) with the same machinery and the calibration in
``linli/synth/demo.yaml``, which sets each figure beside the words of the
newspaper article it comes from.

How the data is made
--------------------
* Communities are processed in chunks of ``_CHUNK`` (one chunk for the demo); a
  chunk's tables are generated with vectorised numpy and appended to the files
  at once, so memory stays flat whatever the number of communities.
* Every chunk draws from its own stream
  ``PCG64(SeedSequence(seed, spawn_key=(chunk,)))``; rows are sorted by
  community, then date; ids follow that order; floats are rounded before they
  are written and GeoJSON is written by hand with coordinates rounded to six
  decimals. Identical arguments therefore give byte-identical files.
* Rosters (organisations, volunteers, charity resources, social workers, the
  register of vulnerable residents) are drawn so that the number *active at the
  end of each year* — ``start ≤ Y-12-31`` and (``end`` empty or ``end > Y-12-31``),
  the rule of the data contract — is exactly the planned count, with people
  joining and leaving every year.
* All dates fall on or before 31 December of the last year (the as-of date
  written to ``dataset.yaml``).

Personal data is fake by construction: names ``测试姓名`` + digits, phones
``1990000`` + four digits, ID numbers beginning with the non-existent region
code ``000000`` and addresses ``测试地址`` + digits + ``号`` (see
:data:`FAKE_PATTERNS`).

The modules, in the order data flows: ``draws`` (random streams, days, grouped
draws) and ``strings`` (ids, fake personal data) → ``plan`` (what to generate,
and the map layout) → ``demo`` (reads ``demo.yaml`` into the demo's plan) →
``chunk`` → ``units``, ``rosters``, ``ledgers`` (the tables) → ``tables`` (their
order) → ``writers`` (the files). Only the names below are the API.

Tunables
--------
``DEMO_SEED``   seed of the demo dataset (changing it changes ``data/raw``)
``DEMO_YEARS``  years of the demo (2022 baseline, 2023, 2024)
``_CHUNK``      communities generated and written at a time (part of the seed's
                meaning: the same seed with another chunk size gives other data)
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import contract, outputs
from ..claims import CLAIMS_FILE
from ..errors import ContractError
from .demo import DEMO_SEED, DEMO_YEARS, DEMO_ZONE_ID, load_calibration
from .draws import stream
from .plan import Layout, Plan, random_plan
from .strings import FAKE_PATTERNS
from .writers import write_dataset

__all__ = ["DEMO_SEED", "DEMO_YEARS", "DEMO_ZONE_ID", "FAKE_PATTERNS", "STYLES", "generate", "generate_demo"]

_CHUNK = 100
_GEOMETRY_STREAM = 1 << 30  # spawn key of the layout's random stream


def generate(
    out_dir: Path | str,
    *,
    communities: int = 4,
    seed: int = 0,
    years: Sequence[int] = (2022, 2023, 2024),
    zone_id: str = "zone",
    progress_bar: bool = False,
    style: str = "canonical",
) -> dict[str, Path]:
    """Write a synthetic dataset of one zone in the data contract.

    Parameters
    ----------
    out_dir
        Directory to write to (created; existing files of the same names are
        overwritten).
    communities
        Number of communities (``c0001``, ``c0002``, …), laid out as a grid of
        adjoining cells of about 800 m × 800 m near Hengyang.
    seed
        Random seed; the same arguments always give byte-identical files.
    years
        Calendar years of the event ledgers, increasing; the first is the
        baseline. Rosters start earlier; no date is after 31 December of the
        last year.
    zone_id
        The zone's id (``[a-z][a-z0-9_]*``).
    progress_bar
        Show a progress bar (tqdm) over the communities.
    style
        ``canonical`` (the contract's own files) or ``ledger``: the same records as a
        street office keeps them (:func:`linli.synth.ledger_style.as_ledgers`).

    Returns
    -------
    dict
        The path written for each table of the contract, and ``dataset`` for
        ``dataset.yaml``.

    Raises
    ------
    ContractError
        When ``communities``, ``years`` or ``zone_id`` is out of range.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = generate(tmp, communities=2, seed=1)
    ...     sorted(paths)[:3]
    ['boundaries', 'charity_resources', 'communities']
    """
    yrs = _check_years(years)
    if not isinstance(communities, int | np.integer) or communities < 1:
        msg = f"communities must be a whole number ≥ 1, got {communities!r}."
        raise ContractError(msg)
    _check_zone(zone_id)
    n = int(communities)
    width = max(4, len(str(n)))
    layout = Layout.grid(
        n, stream(seed, _GEOMETRY_STREAM), lon0=112.600, lat0=26.885, cell_m=(800.0, 800.0),
    )

    def plans() -> Iterator[tuple[Plan, np.random.Generator]]:
        for chunk, start in enumerate(range(0, n, _CHUNK)):
            rng = stream(seed, chunk)
            index = np.arange(start, min(start + _CHUNK, n))
            yield random_plan(rng, index, yrs, width), rng

    meta = _synthetic_meta(zone_id, n, seed)
    return _styled(style, Path(out_dir), lambda out: write_dataset(
        out, plans(), layout, yrs, zone_id, total=n, progress_bar=progress_bar, meta=meta))


#: How a synthetic dataset may be written: the contract's canonical files, or as clerks keep ledgers.
STYLES: tuple[str, ...] = ("canonical", "ledger")


def _styled(style: str, out: Path, write: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Write with ``write`` in the canonical style, or through it into the ledger style."""
    if style not in STYLES:
        msg = f"style {style!r}: valid: {', '.join(STYLES)}."
        raise ContractError(msg)
    if style == "canonical":
        return write(out)
    from .ledger_style import as_ledgers

    outputs.check_out_dir(out)
    with tempfile.TemporaryDirectory(dir=out, prefix=".canonical-") as tmp:
        write(Path(tmp))
        return as_ledgers(Path(tmp), out)


def generate_demo(out_dir: Path | str, *, progress_bar: bool = False, style: str = "canonical") -> dict[str, Path]:
    """Write the demo dataset of the Renmin Street zone (人民街道), 2022–2024.

    Four communities with their brands — 人民路 邻治, 湘北 邻和, 向阳 邻助,
    蒸阳 邻乐 — calibrated so that the zone totals computed with the
    active-at-end-of-year rule match the counts published in 《“邻”品牌让群众的
    幸福感触手可及——石鼓区人民街道创建全省城乡社区治理创新实验区纪实》 (胡建军,
    衡阳日报): social organisations 17 → 40, volunteers 4275 → 6339, charity
    resources 48 → 141 (end of 2022 → end of 2024), 27457 residents in 2024 of
    whom 4942 (18.0 %) are 65 or older, 45 volunteer teams, 550 volunteer
    activities and 1038 mediation cases over 2022–2024. The calibration, with
    the article's words beside each figure and every assumption labelled, is
    ``linli/synth/demo.yaml``. The places the article names are included; all
    other names, all people and all geometry are invented. The article's figures, each
    beside its words, are written as ``published_claims.yaml`` (a copy of
    ``linli/synth/published_claims.yaml``, written by hand), for ``linli claims`` and the
    reports' claims check. Running it again reproduces ``data/raw`` byte for byte
    (its ``README.md`` is hand-written).

    Parameters
    ----------
    out_dir
        Directory to write to, usually ``config.RAW_DIR``.
    progress_bar
        Show a progress bar.

    Returns
    -------
    dict
        The path written for each table, ``dataset`` for ``dataset.yaml`` and ``claims``
        for ``published_claims.yaml``.
    """
    cal = load_calibration(years=DEMO_YEARS)
    spec = cal.layout
    layout = Layout.grid(cal.plan.n, stream(DEMO_SEED, _GEOMETRY_STREAM), lon0=spec.lon0, lat0=spec.lat0,
                         cell_m=spec.cell_m, jitter=spec.jitter, ncols=spec.ncols)
    meta = {**cal.dataset, "zones": {DEMO_ZONE_ID: dict(cal.zone)}}
    written = _styled(style, Path(out_dir), lambda out: write_dataset(
        out, iter([(cal.plan, stream(DEMO_SEED, 0))]), layout, DEMO_YEARS, DEMO_ZONE_ID, total=cal.plan.n,
        progress_bar=progress_bar, meta=meta))
    claims = outputs.output_path(out_dir, CLAIMS_FILE)
    claims.write_bytes(Path(__file__).with_name(CLAIMS_FILE).read_bytes())
    return {**written, "claims": claims}


def _check_years(years: Sequence[int]) -> tuple[int, ...]:
    try:
        yrs = tuple(int(y) for y in years)
    except (TypeError, ValueError):
        msg = f"years must be whole numbers, got {years!r}."
        raise ContractError(msg) from None
    if not yrs or any(b <= a for a, b in zip(yrs, yrs[1:], strict=False)):
        msg = f"years must be one or more increasing years, got {list(yrs)!r}."
        raise ContractError(msg)
    if yrs[0] < 2000 or yrs[-1] > 2100:
        msg = f"years must lie in 2000–2100, got {list(yrs)!r}."
        raise ContractError(msg)
    return yrs


def _synthetic_meta(zone_id: str, n: int, seed: int) -> dict[str, Any]:
    """The dataset's and the zone's names, in both languages, for ``dataset.yaml``: a report
    calls the zone by them (模拟街道 / Simulated Street, the zone's id after them unless it
    is the default).

    >>> _synthetic_meta("zone", 200, 1)["name"], _synthetic_meta("z7", 2, 0)["zones"]["z7"]["name_en"]
    ('模拟街道（200个社区，随机种子1）', 'Simulated Street z7')
    """
    suffix = "" if zone_id == "zone" else f" {zone_id}"
    zh, en = f"模拟街道{suffix}", f"Simulated Street{suffix}"
    return {"name": f"{zh}（{n}个社区，随机种子{seed}）", "name_en": f"{en} ({n} communities, seed {seed})",
            "zones": {zone_id: {"name_zh": zh, "name_en": en}}}


def _check_zone(zone_id: str) -> None:
    if not isinstance(zone_id, str) or not re.fullmatch(contract.ID_PATTERN, zone_id):
        msg = f"zone_id must match {contract.ID_PATTERN}, got {zone_id!r}."
        raise ContractError(msg)
