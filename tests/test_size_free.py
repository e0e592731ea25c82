"""The size-free rule of the index, as two tested properties.

1. **Scale invariance.** A zone made of k identical copies of one community (every id
   suffixed, same dates, same geometry; :mod:`tests.copies`) has, for every scored
   indicator, the value of that community (to 1e-9), and therefore the same dimension
   scores and the same index. A raw count fails this: it is k times the community's.
2. **Pooled values between the parts.** On the demo and on synthetic data, each scored
   indicator's zone value (pooled records) lies between the smallest and the largest
   value of the zone's communities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import linli
from linli import index, indicators, synth
from linli.indicators import catalogue
from linli.spec import SCORED_DIMENSIONS, spec_from_catalogue

from .copies import ZONE, write_copies

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw"
SCORED = [i.id for i in catalogue.load().scored]
TOL = 1e-9


def _wide(long: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """Scored indicator values, one row per (indicator, year), one column per unit."""
    rows = long[long["indicator"].isin(SCORED)]
    wide = rows.pivot_table(index=["indicator", "year"], columns="unit_id", values="value", dropna=False)
    return wide.reindex(columns=ids)


@pytest.fixture(scope="module", params=[2, 3], ids=["k=2", "k=3"])
def copies(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, list[str]]:
    """The indicators of a zone of k copies of 湘北 (xiangbei) of the demo."""
    out = tmp_path_factory.mktemp(f"copies{request.param}")
    ids = write_copies(DEMO, out, "xiangbei", request.param)
    ds = linli.load_dataset(out)
    assert int(ds.provenance["rows_quarantined"].sum()) == 0  # every copied row loads
    return indicators.compute(ds.tables), ids


def test_the_fixture_is_k_copies(copies: tuple[pd.DataFrame, list[str]]) -> None:
    long, ids = copies
    k = len(ids)
    counts = long[long["indicator"] == "volunteers"].set_index(["unit_id", "year"])["value"]
    # a count is size-bound: the zone has k times each copy's volunteers (why counts are context)
    for year in (2022, 2023, 2024):
        assert counts[(ZONE, year)] == k * counts[(ids[0], year)]
        assert counts[(ZONE, year)] > counts[(ids[0], year)] > 0


def test_every_scored_indicator_of_the_zone_equals_the_community(copies: tuple[pd.DataFrame, list[str]]) -> None:
    long, ids = copies
    wide = _wide(long, [ZONE, *ids])
    assert set(wide.index.get_level_values("indicator")) == set(SCORED)
    # every scored indicator has a value in the report year, so the check is not vacuous
    assert wide.xs(2024, level="year")[ZONE].notna().all()
    for cid in ids:
        np.testing.assert_allclose(wide[ZONE], wide[cid], rtol=0, atol=TOL, equal_nan=True,
                                   err_msg=f"zone {ZONE} differs from {cid}")


def test_the_zone_has_the_community_scores_and_index(copies: tuple[pd.DataFrame, list[str]]) -> None:
    long, ids = copies
    spec = spec_from_catalogue(catalogue.load())
    idx = index.linli_index(long, spec).set_index(["unit_id", "year"])
    columns = [*SCORED_DIMENSIONS, "index"]
    for year in (2022, 2023, 2024):
        zone = idx.loc[(ZONE, year), columns].to_numpy(dtype=float)
        assert np.isfinite(zone).all()
        for cid in ids:
            np.testing.assert_allclose(zone, idx.loc[(cid, year), columns].to_numpy(dtype=float),
                                       rtol=0, atol=TOL)
    # and the scores of every scored indicator
    scores = index.normalise(long, spec).pivot_table(index=["indicator", "year"], columns="unit_id",
                                                     values="score", dropna=False)
    for cid in ids:
        np.testing.assert_allclose(scores[ZONE], scores[cid], rtol=0, atol=TOL, equal_nan=True)


# ------------------------------------------------------------ pooled within range


def _assert_pooled_within_range(long: pd.DataFrame, units: pd.DataFrame) -> int:
    """Assert min ≤ zone ≤ max for every scored indicator and year; return the cases checked."""
    checked = 0
    for zone_id, members in units.groupby("zone_id")["community_id"]:
        wide = _wide(long, [str(zone_id), *members.astype(str)])
        zone, parts = wide[str(zone_id)], wide.drop(columns=str(zone_id))
        has = zone.notna()
        assert parts[has].notna().all(axis=1).all(), "a zone value while a community has none"
        lo, hi = parts.min(axis=1), parts.max(axis=1)
        bad = has & ((zone < lo - TOL) | (zone > hi + TOL))
        assert not bad.any(), f"zone {zone_id} outside its communities:\n{wide[bad]}"
        checked += int(has.sum())
    return checked


def test_demo_zone_values_lie_between_its_communities() -> None:
    ds = linli.load_dataset(DEMO)
    long = indicators.compute(ds.tables)
    # 33 scored indicators × 3 years, all with a zone value
    assert _assert_pooled_within_range(long, ds.tables["communities"]) == 33 * 3


@pytest.mark.parametrize(("n", "seed"), [(3, 1), (7, 5)])
def test_synthetic_zone_values_lie_between_its_communities(tmp_path: Path, n: int, seed: int) -> None:
    synth.generate(tmp_path, communities=n, seed=seed)
    ds = linli.load_dataset(tmp_path)
    long = indicators.compute(ds.tables)
    # synth writes every ledger for 2022–2024: 33 scored indicators × 3 years with a zone value
    assert _assert_pooled_within_range(long, ds.tables["communities"]) == 33 * 3
