"""Tests of linli.index, linli.spec and linli.uncertainty: normalisation, aggregation, uncertainty, sensitivity.

Every expected number is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import HealthCheck, example, given, settings

from linli import index as ix
from linli import spec as sp
from linli import uncertainty as unc
from linli.errors import ContractError, LinliError

# A tiny hand-built spec: two wushe indicators (one ↓), one in lin_he, one in
# lin_zhi, one profile (context) indicator that must never be scored.
SPEC = pd.DataFrame(
    {
        "indicator": ["vols", "days", "success", "branch", "residents"],
        "dimension": ["wushe", "wushe", "lin_he", "lin_zhi", "profile"],
        "direction": ["up", "down", "up", "up", "context"],
        "lo": [0.0, 10.0, 50.0, 0.0, np.nan],
        "hi": [200.0, 60.0, 100.0, 100.0, np.nan],
    }
)


def _long(rows: list[tuple[str, str, int, str, float]]) -> pd.DataFrame:
    """Long table from (unit_id, unit_type, year, indicator, value) tuples."""
    frame = pd.DataFrame(rows, columns=["unit_id", "unit_type", "year", "indicator", "value"])
    frame["value"] = frame["value"].astype(float)
    frame["ci_low"] = np.nan
    frame["ci_high"] = np.nan
    frame["reason"] = ""
    return frame


def _one(indicator: str, value: float, unit: str = "a") -> pd.DataFrame:
    return _long([(unit, "community", 2024, indicator, value)])


def _score(long: pd.DataFrame, indicator: str, unit: str = "a", method: str = "goalposts") -> float:
    out = ix.normalise(long, SPEC, method=method)
    return float(
        out.loc[(out["unit_id"] == unit) & (out["indicator"] == indicator), "score"].iloc[0]
    )


# ----------------------------------------------------------------------------- goalposts


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        ("vols", 50.0, 25.0),  # up: (50 − 0) ÷ (200 − 0) = 0.25 → 25
        ("vols", 250.0, 100.0),  # up: 250 ÷ 200 = 1.25 → clipped to 1 → 100
        ("vols", -10.0, 0.0),  # up: −10 ÷ 200 = −0.05 → clipped to 0 → 0
        ("days", 20.0, 80.0),  # down: (60 − 20) ÷ (60 − 10) = 40 ÷ 50 = 0.8 → 80
        ("days", 5.0, 100.0),  # down: (60 − 5) ÷ 50 = 1.1 → clipped → 100
        ("days", 70.0, 0.0),  # down: (60 − 70) ÷ 50 = −0.2 → clipped → 0
        ("days", 60.0, 0.0),  # down: at hi → 0
        ("success", 75.0, 50.0),  # up: (75 − 50) ÷ (100 − 50) = 0.5 → 50
    ],
)
def test_goalposts(indicator: str, value: float, expected: float) -> None:
    assert _score(_one(indicator, value), indicator) == pytest.approx(expected)


def test_normalise_keeps_missing_and_skips_context() -> None:
    long = _long(
        [("a", "community", 2024, "vols", np.nan), ("a", "community", 2024, "residents", 9.0)]
    )
    out = ix.normalise(long, SPEC)
    # four scored indicators (residents is context), all NaN: vols is NaN, the rest absent
    assert out["indicator"].tolist() == ["vols", "days", "success", "branch"]
    assert out["score"].isna().all()


# ----------------------------------------------------------------------------- min–max, z-score


def test_minmax_within_unit_type_and_year() -> None:
    long = _long(
        [
            ("a", "community", 2024, "vols", 10.0),
            ("b", "community", 2024, "vols", 30.0),
            ("c", "community", 2024, "vols", 50.0),
            ("a", "community", 2024, "days", 20.0),
            ("b", "community", 2024, "days", 30.0),
            ("c", "community", 2024, "days", 40.0),
            ("z", "zone", 2024, "vols", 90.0),  # a zone of its own: compared only with zones
            ("a", "community", 2023, "vols", 70.0),  # another year: its own group
            ("b", "community", 2023, "vols", 70.0),
        ]
    )
    out = ix.normalise(long, SPEC, method="minmax").set_index(
        ["unit_id", "unit_type", "year", "indicator"]
    )
    s = out["score"]
    # up: (x − min) ÷ (max − min) × 100, min 10, max 50: 10 → 0, 30 → 20/40 = 50, 50 → 100
    assert s["a", "community", 2024, "vols"] == pytest.approx(0.0)
    assert s["b", "community", 2024, "vols"] == pytest.approx(50.0)
    assert s["c", "community", 2024, "vols"] == pytest.approx(100.0)
    # down: (max − x) ÷ (max − min) × 100, min 20, max 40: 20 → 100, 30 → 50, 40 → 0
    assert s["a", "community", 2024, "days"] == pytest.approx(100.0)
    assert s["b", "community", 2024, "days"] == pytest.approx(50.0)
    assert s["c", "community", 2024, "days"] == pytest.approx(0.0)
    # max = min, no information: a zone alone among zones gets its goalpost score 90 ÷ 200 = 45;
    # two communities sharing 70 in 2023 get the neutral 50
    assert s["z", "zone", 2024, "vols"] == pytest.approx(45.0)
    assert s["a", "community", 2023, "vols"] == pytest.approx(50.0)
    assert s["b", "community", 2023, "vols"] == pytest.approx(50.0)
    z = ix.normalise(long, SPEC, method="zscore").set_index(["unit_id", "year", "indicator"])[
        "score"
    ]
    assert z["z", 2024, "vols"] == pytest.approx(45.0)  # sd = 0: the same fallback


def test_zscore_t_score() -> None:
    long = _long(
        [
            ("a", "community", 2024, "vols", 10.0),
            ("b", "community", 2024, "vols", 30.0),
            ("c", "community", 2024, "vols", 50.0),
            ("a", "community", 2024, "days", 10.0),
            ("b", "community", 2024, "days", 30.0),
            ("c", "community", 2024, "days", 50.0),
        ]
    )
    out = ix.normalise(long, SPEC, method="zscore").set_index(["unit_id", "indicator"])["score"]
    # mean 30; sd (ddof 0) = √((20² + 0 + 20²) ÷ 3) = √266.67 = 16.3299; z(10) = −20 ÷ 16.3299 = −1.22474
    # up: 50 + 10 z → 37.7526, 50, 62.2474
    assert out["a", "vols"] == pytest.approx(50 - 12.247449, abs=1e-5)
    assert out["b", "vols"] == pytest.approx(50.0)
    assert out["c", "vols"] == pytest.approx(50 + 12.247449, abs=1e-5)
    # down: −z → 62.2474 for the lowest value
    assert out["a", "days"] == pytest.approx(50 + 12.247449, abs=1e-5)


def test_zscore_clipped() -> None:
    # 49 units at 0 and one at 98: mean = 98 ÷ 50 = 1.96 … take values so that the numbers are round:
    # 49 × 0 and one 100: mean 2; sd = √((49 × 2² + 98²) ÷ 50) = √((196 + 9604) ÷ 50) = √196 = 14;
    # z(100) = 98 ÷ 14 = 7 → 50 + 70 = 120 → clipped to 100; z(0) = −2 ÷ 14 → 50 − 1.4286 = 48.5714
    rows = [(f"u{i:02d}", "community", 2024, "vols", 0.0) for i in range(49)]
    rows.append(("top", "community", 2024, "vols", 100.0))
    out = ix.normalise(_long(rows), SPEC, method="zscore").set_index("unit_id")
    out = out[out["indicator"] == "vols"]["score"]
    assert out["top"] == pytest.approx(100.0)
    assert out["u00"] == pytest.approx(50 - 20 / 14, abs=1e-9)


@pytest.mark.parametrize("half", [1.115e-161, 1e200, 1.0, 5e-324])
def test_zscore_any_magnitude(half: float) -> None:
    # two units at ±half around their mean: deviations ±half, sd (ddof 0) = √((half² + half²) ÷ 2)
    # = half, z = ±1 → 60 and 40 whatever the size. Squared, 1.115e-161 underflows to a
    # subnormal (1.2e-322, three significant bits) and 1e200 overflows to inf, so the
    # deviations must be scaled before they are squared. 5e-324, the least subnormal, has no
    # mean between ±half to round to, only 0 (the deviations ±5e-324 square to 0).
    long = _long([("a", "community", 2024, "success", half), ("b", "community", 2024, "success", -half)])
    out = ix.normalise(long, SPEC, method="zscore").set_index(["unit_id", "indicator"])["score"]
    out = out.xs("success", level="indicator")
    assert out["a"] == pytest.approx(60.0, abs=1e-9)
    assert out["b"] == pytest.approx(40.0, abs=1e-9)


# ----------------------------------------------------------------------------- aggregation


@pytest.fixture
def three_dims() -> pd.DataFrame:
    return _long(
        [
            ("a", "community", 2024, "vols", 50.0),  # goalposts 25
            ("a", "community", 2024, "days", 20.0),  # goalposts 80
            ("a", "community", 2024, "success", 75.0),  # goalposts 50
            ("a", "community", 2024, "branch", 90.0),  # goalposts 90
            ("a", "community", 2024, "residents", 5000.0),  # context, ignored
        ]
    )


def test_dimension_mean_with_missing_indicator() -> None:
    long = _long([("a", "community", 2024, "vols", 50.0), ("a", "community", 2024, "days", np.nan)])
    out = ix.linli_index(long, SPEC, min_dimensions=1)
    # wushe: only vols is available → mean(25) = 25; the missing 'days' is not a 0
    assert out.loc[0, "wushe"] == pytest.approx(25.0)
    assert math.isnan(out.loc[0, "lin_he"])
    assert out.loc[0, "index"] == pytest.approx(25.0)


def test_weighted_index(three_dims: pd.DataFrame) -> None:
    out = ix.linli_index(three_dims, SPEC, min_dimensions=3)
    row = out.iloc[0]
    # wushe = (25 + 80) ÷ 2 = 52.5; lin_he = 50; lin_zhi = 90
    assert row["wushe"] == pytest.approx(52.5)
    assert row["lin_he"] == pytest.approx(50.0)
    assert row["lin_zhi"] == pytest.approx(90.0)
    # equal weights over the three available dimensions: (52.5 + 50 + 90) ÷ 3 = 192.5 ÷ 3 = 64.1667
    assert row["index"] == pytest.approx(192.5 / 3)
    assert row["n_dimensions"] == 3
    assert row["missing_dimensions"] == "lin_zhu;lin_le;satisfaction"
    weighted = ix.linli_index(
        three_dims, SPEC, min_dimensions=3, weights={"wushe": 2, "lin_he": 1, "lin_zhi": 1}
    )
    # (2 × 52.5 + 50 + 90) ÷ 4 = 245 ÷ 4 = 61.25
    assert weighted.loc[0, "index"] == pytest.approx(61.25)


def test_too_few_dimensions_gives_no_index(three_dims: pd.DataFrame) -> None:
    out = ix.linli_index(three_dims, SPEC)  # default min_dimensions = 4; only 3 available
    assert math.isnan(out.loc[0, "index"])
    assert pd.isna(out.loc[0, "rank"])
    assert out.loc[0, "n_dimensions"] == 3


def test_geometric_aggregation() -> None:
    long = _long(
        [("a", "community", 2024, "vols", 50.0), ("a", "community", 2024, "branch", 100.0)]
    )
    out = ix.linli_index(long, SPEC, aggregation="geometric", min_dimensions=2)
    # wushe 25, lin_zhi 100: √(25 × 100) = √2500 = 50 (the arithmetic mean would be 62.5)
    assert out.loc[0, "index"] == pytest.approx(50.0)
    zero = _long([("a", "community", 2024, "vols", 0.0), ("a", "community", 2024, "branch", 100.0)])
    out = ix.linli_index(zero, SPEC, aggregation="geometric", min_dimensions=2)
    # wushe 0 is floored at 1: √(1 × 100) = 10
    assert out.loc[0, "index"] == pytest.approx(10.0)


def test_ranks_per_unit_type_with_ties() -> None:
    rows = []
    for unit, value in (("a", 100.0), ("b", 40.0), ("c", 100.0), ("d", 20.0)):
        rows.append((unit, "community", 2024, "vols", value))
    rows.append(("z", "zone", 2024, "vols", 10.0))
    out = ix.linli_index(_long(rows), SPEC, min_dimensions=1).set_index("unit_id")
    # communities: a = c = 50 share rank 1, b (20) is 3rd, d (10) 4th ("1 1 3 4");
    # the zone is shown beside its communities but never ranked (v2) → NA
    assert out["rank"].drop("z").to_dict() == {"a": 1, "b": 3, "c": 1, "d": 4}
    assert pd.isna(out.loc["z", "rank"]) and out.loc["z", "index"] == pytest.approx(5.0)  # 10 ÷ 200


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(st.sampled_from([0.0, -0.0, 1.5, 2.0, 2.0 + 1e-12, 57.4, 100.0, math.nan]), min_size=1,
                   max_size=60),
    columns=st.integers(1, 6),
)
def test_rank_block_is_scipys_min_rank_of_the_negated_values(cells: list[float], columns: int) -> None:
    # the oracle: scipy.stats.rankdata, the ranking rank_block replaced (ties share the least
    # rank; NaN omitted and kept NaN); few distinct values, so that ties, -0.0 against 0.0 and
    # values a rounding apart come up
    from scipy.stats import rankdata

    values = np.resize(np.array(cells), (max(1, len(cells) // columns), columns))
    expected = rankdata(-values, method="min", axis=0, nan_policy="omit").astype(float)
    np.testing.assert_array_equal(ix.rank_block(values), expected)


def test_year_filter(three_dims: pd.DataFrame) -> None:
    other = three_dims.assign(year=2023)
    both = pd.concat([three_dims, other], ignore_index=True)
    assert ix.linli_index(both, SPEC, year=2024)["year"].tolist() == [2024]
    assert ix.linli_index(both, SPEC, year=[2023, 2024])["year"].tolist() == [2023, 2024]


# ----------------------------------------------------------------------------- spec and errors


def test_bad_inputs_raise_contract_errors(three_dims: pd.DataFrame) -> None:
    with pytest.raises(ContractError, match="unknown direction 'sideways'"):
        ix.linli_index(three_dims, SPEC.assign(direction="sideways"))
    with pytest.raises(ContractError, match="goalposts"):
        ix.linli_index(three_dims, SPEC.assign(lo=100.0))
    with pytest.raises(ContractError, match="Unknown dimension"):
        ix.linli_index(three_dims, SPEC, weights={"lin_haha": 1.0})
    with pytest.raises(ContractError, match="Unknown normalisation 'rank'"):
        ix.linli_index(three_dims, SPEC, normalisation="rank")  # type: ignore[arg-type]
    with pytest.raises(ContractError, match="more than one row"):
        ix.linli_index(pd.concat([three_dims, three_dims]), SPEC)
    with pytest.raises(LinliError, match="min_dimensions"):
        ix.linli_index(three_dims, SPEC, min_dimensions=7)


def test_minmax_needs_no_goalposts(three_dims: pd.DataFrame) -> None:
    spec = SPEC.drop(columns=["lo", "hi"])
    out = ix.linli_index(three_dims, spec, normalisation="minmax", min_dimensions=1)
    # one unit and no goalposts: every min–max score is the neutral 50
    assert out.loc[0, "index"] == pytest.approx(50.0)


@dataclasses.dataclass(frozen=True)
class _Goalposts:  # stand-in for the catalogue's objects
    lo: float
    hi: float
    rationale: str = ""


def test_spec_from_catalogue_dicts_and_objects() -> None:
    source = {
        "title": "《“十四五”公共服务规划》",
        "issuer": "国家发展改革委等21部门",
        "year": 2021,
        "quote": "…",
    }
    catalogue = SimpleNamespace(
        indicators=[
            SimpleNamespace(
                id="service_area_per_100hh",
                dimension="lin_le",
                direction="up",
                goalposts=_Goalposts(0, 60),
                target=SimpleNamespace(
                    value=30, comparison="gt", kind="target", year=None, source=source
                ),
            ),
            {
                "id": "mediation_success_pct",
                "dimension": "lin_he",
                "direction": "up",
                "goalposts": {"lo": 50, "hi": 100, "rationale": "…"},
                "target": {"value": 96, "comparison": "ge", "kind": "benchmark", "year": 2018},
            },
            {
                "id": "residents",
                "dimension": "profile",
                "direction": "context",
                "goalposts": None,
                "target": None,
            },
        ],
        index_settings={
            "weights": {"wushe": 1},
            "draws": 10,
            "seed": 7,
            "weight_perturbation": 0.1,
        },
    )
    spec = sp.spec_from_catalogue(catalogue)
    assert list(spec.columns) == list(sp.SPEC_COLUMNS)
    assert spec["indicator"].tolist() == [
        "service_area_per_100hh",
        "mediation_success_pct",
        "residents",
    ]
    assert spec["hi"].tolist()[:2] == [60.0, 100.0]
    assert math.isnan(spec.loc[2, "lo"])
    assert spec.loc[0, "target_value"] == 30.0
    assert spec.loc[0, "target_comparison"] == "gt"
    assert pd.isna(spec.loc[0, "target_year"])
    assert spec.loc[1, "target_kind"] == "benchmark"
    assert spec.loc[1, "target_year"] == 2018
    assert pd.isna(spec.loc[2, "target_kind"])

    keyed = {
        "indicators": {
            "vols": SimpleNamespace(
                dimension="wushe", direction="up", goalposts=[0, 200], target=None
            )
        }
    }
    assert sp.spec_from_catalogue(keyed).loc[0, ["indicator", "hi"]].tolist() == ["vols", 200.0]
    with pytest.raises(ContractError, match="unknown dimension 'lin_xx'"):
        sp.spec_from_catalogue([{"id": "q", "dimension": "lin_xx", "direction": "up"}])

    s = sp.settings_from_catalogue(catalogue)
    assert (s.draws, s.seed, s.weight_jitter) == (10, 7, 0.1)
    assert dict(s.weights) == {"wushe": 1.0}
    assert sp.settings_from_catalogue(SimpleNamespace()) == sp.IndexSettings()
    with pytest.raises(ContractError, match="Unknown aggregation"):
        sp.settings_from_catalogue({"index_settings": {"aggregations": ["harmonic"]}})


def test_settings_feed_uncertainty(three_dims: pd.DataFrame) -> None:
    settings = dataclasses.replace(sp.IndexSettings(), draws=20, min_dimensions=1, bootstrap=10)
    out = unc.uncertainty(three_dims, SPEC, **settings.for_uncertainty())
    assert len(out) == 1
    # every field, bootstrap included, is a keyword of rank_sensitivity (one community: no rank variance)
    sens = unc.rank_sensitivity(three_dims, SPEC, **dataclasses.asdict(settings))
    assert sens["input"].tolist() == list(unc.INPUTS) and (sens["rank_variance"] == 0).all()


# ----------------------------------------------------------------------------- uncertainty


def _grid(n: int, seed: int = 1) -> pd.DataFrame:
    """n communities with random values on all four scored indicators."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for ind, (lo, hi) in {
            "vols": (0, 250),
            "days": (0, 70),
            "success": (40, 100),
            "branch": (0, 100),
        }.items():
            rows.append((f"c{i:03d}", "community", 2024, ind, float(rng.uniform(lo, hi))))
    return _long(rows)


def test_uncertainty_degenerate_equals_baseline() -> None:
    long = _grid(6)
    # one method, no weight jitter: every draw is the baseline index → the band collapses onto it
    u = unc.uncertainty(
        long,
        SPEC,
        draws=30,
        weight_jitter=0.0,
        normalisations=("goalposts",),
        aggregations=("arithmetic",),
        min_dimensions=3,  # the grid fills three dimensions
    )
    base = ix.linli_index(long, SPEC, min_dimensions=3)
    assert base["index"].notna().all()
    np.testing.assert_allclose(u["index_median"], base["index"])
    np.testing.assert_allclose(u["index_low"], base["index"])
    np.testing.assert_allclose(u["index_high"], base["index"])
    assert u["rank_median"].tolist() == base["rank"].tolist()
    assert u["rank_low"].tolist() == base["rank"].tolist()
    assert u["rank_high"].tolist() == base["rank"].tolist()
    assert (u["rank_kept_pct"] == 100.0).all()  # every draw is the headline: rank kept in all
    np.testing.assert_allclose(u["index"], base["index"])


def test_uncertainty_dominant_unit_always_first() -> None:
    # 'top' beats 'mid' beats 'low' on every indicator → every normalisation, aggregation and
    # weighting keeps that order, so the rank intervals are [1, 1], [2, 2], [3, 3]
    rows = []
    for unit, (v, d, s, b) in {
        "low": (10.0, 50.0, 60.0, 10.0),
        "mid": (100.0, 30.0, 75.0, 50.0),
        "top": (190.0, 12.0, 95.0, 90.0),
    }.items():
        rows += [
            (unit, "community", 2024, "vols", v),
            (unit, "community", 2024, "days", d),
            (unit, "community", 2024, "success", s),
            (unit, "community", 2024, "branch", b),
        ]
    u = unc.uncertainty(_long(rows), SPEC, draws=200, min_dimensions=3).set_index("unit_id")
    assert u.loc["top", ["rank_low", "rank_median", "rank_high"]].tolist() == [1, 1, 1]
    assert u.loc["low", ["rank_low", "rank_median", "rank_high"]].tolist() == [3, 3, 3]
    assert (u["rank_kept_pct"] == 100.0).all()
    assert (u["n_ranked"] == 3).all()


def test_uncertainty_same_seed_same_output() -> None:
    long = _grid(12)
    a = unc.uncertainty(long, SPEC, draws=100, seed=5, min_dimensions=3)
    b = unc.uncertainty(long, SPEC, draws=100, seed=5, min_dimensions=3)
    pdt.assert_frame_equal(a, b)
    assert a["index_high"].notna().all()
    c = unc.uncertainty(long, SPEC, draws=100, seed=6, min_dimensions=3)
    assert not a["index_high"].equals(c["index_high"])


def test_uncertainty_rejects_bad_options() -> None:
    long = _grid(3)
    with pytest.raises(ContractError, match="weight_jitter"):
        unc.uncertainty(long, SPEC, weight_jitter=1.5)
    with pytest.raises(ContractError, match="draws"):
        unc.uncertainty(long, SPEC, draws=0)


def test_uncertainty_at_4000_units_1000_draws() -> None:
    rng = np.random.default_rng(3)
    n, indicators = 4000, ["vols", "days", "success", "branch"]
    long = pd.DataFrame(
        {
            "unit_id": np.repeat([f"c{i:04d}" for i in range(n)], len(indicators)),
            "unit_type": "community",
            "year": 2024,
            "indicator": np.tile(indicators, n),
            "value": rng.uniform(0, 100, n * len(indicators)),
        }
    )
    # how long this takes is measured in benchmarks/bench_uncertainty.py, not here
    u = unc.uncertainty(long, SPEC, draws=1000, min_dimensions=3)
    assert len(u) == n
    assert u["rank_high"].max() <= n


def _two_dims(vols: float, success: float, unit: str = "a") -> list[tuple[str, str, int, str, float]]:
    return [(unit, "community", 2024, "vols", vols), (unit, "community", 2024, "success", success)]


def test_index_band_varies_the_weights_only() -> None:
    # a: wushe 200 ÷ 200 = 100, lin_he (50 − 50) ÷ 50 = 0 → headline (100 + 0) ÷ 2 = 50.
    # A draw weighs them f1, f2 ∈ [0.75, 1.25]: index = 100 · f1 ÷ (f1 + f2), which lies in
    # [100 · 0.75 ÷ 2.0, 100 · 1.25 ÷ 2.0] = [37.5, 62.5]; f1 and f2 are alike, so the
    # headline 50 is the centre of the band.
    long = _long(_two_dims(200.0, 50.0) + _two_dims(100.0, 75.0, "b"))
    u = unc.uncertainty(long, SPEC, draws=400, min_dimensions=1).set_index("unit_id")
    lo, mid, hi = u.loc["a", ["index_low", "index_median", "index_high"]]
    assert 37.5 <= lo < 50.0 < hi <= 62.5
    assert mid == pytest.approx(50.0, abs=1.5)
    assert u.loc["a", "index"] == pytest.approx(50.0)
    # b: wushe 50, lin_he 50 → every weighting gives 50: the band is the point 50
    assert u.loc["b", ["index_low", "index_median", "index_high"]].tolist() == pytest.approx([50.0] * 3)
    # the methods sampled for the rank interval never enter the band
    other = unc.uncertainty(long, SPEC, draws=400, min_dimensions=1, normalisations=("zscore",),
                           aggregations=("geometric",)).set_index("unit_id")
    pdt.assert_frame_equal(u[["index", "index_low", "index_median", "index_high"]],
                           other[["index", "index_low", "index_median", "index_high"]])


def test_rank_interval_and_the_share_of_draws_keeping_the_rank() -> None:
    # one dimension (wushe, three indicators), so weights and aggregation change nothing.
    # goalposts: a (90 + 10 + 10) ÷ 3 = 36.7 beats b (20 + 60 + 20) ÷ 3 = 33.3;
    # min–max: a (100 + 0 + 0) ÷ 3 = 33.3 loses to b (0 + 100 + 100) ÷ 3 = 66.7.
    spec = pd.DataFrame({"indicator": ["x1", "x2", "x3"], "dimension": "wushe", "direction": "up",
                         "lo": 0.0, "hi": 100.0})
    rows = [(u, "community", 2024, x, v) for u, vals in (("a", (90, 10, 10)), ("b", (20, 60, 20)))
            for x, v in zip(("x1", "x2", "x3"), vals, strict=True)]
    rows.append(("z", "zone", 2024, "x1", 50.0))
    u = unc.uncertainty(_long(rows), spec, draws=1000, min_dimensions=1,
                       normalisations=("goalposts", "minmax")).set_index("unit_id")
    # headline (goalposts): a 1st, b 2nd; each keeps that rank exactly in the goalpost draws,
    # about half of 1,000 (binomial sd √(1000 · ¼) ≈ 16 draws, 1.6 points)
    assert u.loc[["a", "b"], "rank"].tolist() == [1, 2]
    kept = u.loc["a", "rank_kept_pct"]
    assert kept == u.loc["b", "rank_kept_pct"] and 45.0 < kept < 55.0
    assert u.loc["a", ["rank_low", "rank_high"]].tolist() == [1, 2]
    assert u.loc["b", ["rank_low", "rank_high"]].tolist() == [1, 2]
    # the zone is not ranked: no rank, no interval, no share
    assert u.loc["z", ["rank", "rank_median", "rank_low", "rank_high"]].isna().all()
    assert math.isnan(u.loc["z", "rank_kept_pct"]) and u.loc["z", "n_ranked"] == 0
    assert u.loc["z", "index"] == pytest.approx(50.0)  # x1 only: 50 ÷ 100


def test_sensitivity_estimators_by_hand() -> None:
    # one unit, N = 2 runs; input 0 changes the output, input 1 does not (f(A_B^1) = f(A))
    y_a, y_b = np.array([[1.0, 2.0]]), np.array([[2.0, 1.0]])
    y_ab = np.array([[[2.0, 1.0]], [[1.0, 2.0]]])
    out = unc._sensitivity_indices(y_a, y_b, y_ab, bootstrap=0, rng=np.random.default_rng(0))
    # V = var(1, 2, 2, 1; ddof 1) = (4 × 0.25) ÷ 3 = 1/3
    # S_0  = mean(2 · (2 − 1), 1 · (1 − 2)) ÷ V = 0.5 ÷ (1/3) = 1.5   (Saltelli 2010)
    # S_T0 = ((1 − 2)² + (2 − 1)²) ÷ (2 · 2 · V) = 2 ÷ (4/3) = 1.5     (Jansen 1999)
    assert out[0, 0, 0] == pytest.approx(1.5) and out[0, 0, 3] == pytest.approx(1.5)
    assert out[0, 1, 0] == 0.0 and out[0, 1, 3] == 0.0
    assert out[0, 0, 6] == pytest.approx(1 / 3)
    # a rank that never moves has V = 0: nothing to attribute
    flat = unc._sensitivity_indices(np.ones((1, 2)), np.ones((1, 2)), np.ones((2, 1, 2)), bootstrap=5,
                                   rng=np.random.default_rng(0))
    assert np.isnan(flat[0, :, :6]).all() and (flat[0, :, 6] == 0).all()


def _flip_grid() -> pd.DataFrame:
    """Six communities whose order depends on the weights and the normalisation."""
    return _grid(6, seed=4)


def test_rank_sensitivity_attributes_the_rank_variance() -> None:
    long = pd.concat([_flip_grid(), _long([("z", "zone", 2024, "vols", 100.0)])], ignore_index=True)
    s = unc.rank_sensitivity(long, SPEC, draws=300, bootstrap=100, min_dimensions=3)
    assert set(s["unit_id"]) == {f"c{i:03d}" for i in range(6)}  # the zone is not ranked
    assert all(tuple(g) == unc.INPUTS for _, g in s.groupby("unit_id")["input"])
    moved = s[s["rank_variance"] > 0]
    assert len(moved)  # some ranks move in this grid
    assert (moved["first_order_low"] <= moved["first_order_high"]).all()
    assert (moved["total_effect_low"] <= moved["total_effect_high"]).all()
    # Jansen's total effect is a mean of squares: never negative
    assert (moved["total_effect"] >= 0).all()
    # same seed, same numbers; another seed, another sample
    pdt.assert_frame_equal(s, unc.rank_sensitivity(long, SPEC, draws=300, bootstrap=100, min_dimensions=3))
    other = unc.rank_sensitivity(long, SPEC, draws=300, bootstrap=100, min_dimensions=3, seed=7)
    assert not np.allclose(moved["total_effect"], other.loc[moved.index, "total_effect"])


def test_rank_sensitivity_without_weight_jitter_gives_the_weights_nothing() -> None:
    s = unc.rank_sensitivity(_flip_grid(), SPEC, draws=200, bootstrap=0, weight_jitter=0.0, min_dimensions=3)
    weights = s[(s["input"] == "weights") & (s["rank_variance"] > 0)]
    # f(A_B^weights) = f(A) in every run when the weights never vary: both estimators are 0
    assert len(weights) and (weights["first_order"] == 0).all() and (weights["total_effect"] == 0).all()
    with pytest.raises(ContractError, match="bootstrap"):
        unc.rank_sensitivity(_flip_grid(), SPEC, bootstrap=-1)


# ----------------------------------------------------------------------------- sensitivity


def test_sensitivity_rank_shift() -> None:
    long = _long(
        [
            ("a", "community", 2024, "vols", 180.0),  # wushe 90
            ("a", "community", 2024, "success", 50.0),  # lin_he 0
            ("b", "community", 2024, "vols", 100.0),  # wushe 50
            ("b", "community", 2024, "success", 80.0),  # lin_he 60
        ]
    )
    s = ix.sensitivity(long, SPEC, min_dimensions=1)
    # with both: a = (90 + 0) ÷ 2 = 45, b = (50 + 60) ÷ 2 = 55 → b 1st, a 2nd
    # without lin_he: a = 90, b = 50 → a 1st: shift a = 1 − 2 = −1, b = 2 − 1 = +1
    # without wushe: a = 0, b = 60 → unchanged: shift 0
    he = s[s["dimension"] == "lin_he"].set_index("unit_id")
    assert he["rank_shift"].to_dict() == {"a": -1, "b": 1}
    assert he.loc["a", "index_without"] == pytest.approx(90.0)
    wu = s[s["dimension"] == "wushe"].set_index("unit_id")
    assert wu["rank_shift"].to_dict() == {"a": 0, "b": 0}
    assert s["dimension"].unique().tolist() == list(sp.SCORED_DIMENSIONS)


# ----------------------------------------------------------------------------- properties

# a few fixed values make ties (and groups with no spread) common
_values = st.one_of(
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False), st.sampled_from([0.0, 20.0, 100.0])
)
_fast = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_slow = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def _tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=6))
    rows = []
    for i in range(n):
        for ind in ("vols", "days", "success", "branch"):
            value = draw(st.one_of(_values, st.just(math.nan)))
            rows.append((f"u{i}", "community", 2024, ind, value))
    return _long(rows)


@_fast
@given(long=_tables(), method=st.sampled_from(sp.NORMALISATIONS))
def test_scores_within_0_100(long: pd.DataFrame, method: str) -> None:
    scores = ix.normalise(long, SPEC, method=method)["score"].dropna()  # type: ignore[arg-type]
    assert ((scores >= 0) & (scores <= 100)).all()
    out = ix.linli_index(long, SPEC, normalisation=method, min_dimensions=1)  # type: ignore[arg-type]
    index = out["index"].dropna()
    assert ((index >= 0) & (index <= 100)).all()


@_fast
@given(
    long=_tables(),
    method=st.sampled_from(sp.NORMALISATIONS),
    indicator=st.sampled_from(["vols", "days", "success", "branch"]),
    step=st.floats(min_value=0.0, max_value=1e3),
)
# found by a random run: 0 and −2.23e-161 scored 60.046 for u0, then 60.0 once u0 rose to 1
@example(
    long=_long(
        [("u0", "community", 2024, "success", 0.0), ("u1", "community", 2024, "success", -2.23e-161)]
    ),
    method="zscore",
    indicator="success",
    step=1.0,
)
def test_better_value_never_lowers_score(
    long: pd.DataFrame, method: str, indicator: str, step: float
) -> None:
    # improve unit u0's value on one indicator (up: raise it; down: lower it)
    sign = -1.0 if indicator == "days" else 1.0
    mask = (long["unit_id"] == "u0") & (long["indicator"] == indicator)
    better = long.copy()
    better.loc[mask, "value"] = better.loc[mask, "value"] + sign * step
    before = ix.normalise(long, SPEC, method=method)  # type: ignore[arg-type]
    after = ix.normalise(better, SPEC, method=method)  # type: ignore[arg-type]
    pick = (before["unit_id"] == "u0") & (before["indicator"] == indicator)
    b, a = before.loc[pick, "score"].iloc[0], after.loc[pick, "score"].iloc[0]
    if not math.isnan(b):
        assert a >= b - 1e-9
    if method == "goalposts":
        for agg in sp.AGGREGATIONS:
            i0 = ix.linli_index(long, SPEC, aggregation=agg, min_dimensions=1)["index"].iloc[0]  # type: ignore[arg-type]
            i1 = ix.linli_index(better, SPEC, aggregation=agg, min_dimensions=1)["index"].iloc[0]  # type: ignore[arg-type]
            if not math.isnan(i0):
                assert i1 >= i0 - 1e-9


@_slow
@given(long=_tables(), order=st.randoms(use_true_random=False))
def test_row_order_changes_nothing(long: pd.DataFrame, order: object) -> None:
    perm = list(range(len(long)))
    order.shuffle(perm)  # type: ignore[attr-defined]
    shuffled = long.iloc[perm].reset_index(drop=True)
    for method in sp.NORMALISATIONS:
        pdt.assert_frame_equal(
            ix.normalise(long, SPEC, method=method),  # type: ignore[arg-type]
            ix.normalise(shuffled, SPEC, method=method),  # type: ignore[arg-type]
        )
    pdt.assert_frame_equal(
        ix.linli_index(long, SPEC, min_dimensions=1),
        ix.linli_index(shuffled, SPEC, min_dimensions=1),
    )
    pdt.assert_frame_equal(
        unc.uncertainty(long, SPEC, draws=40, min_dimensions=1),
        unc.uncertainty(shuffled, SPEC, draws=40, min_dimensions=1),
    )
    pdt.assert_frame_equal(
        ix.sensitivity(long, SPEC, min_dimensions=1),
        ix.sensitivity(shuffled, SPEC, min_dimensions=1),
    )


@_slow
@given(long=_tables(), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_uncertainty_bands_and_rank_intervals(long: pd.DataFrame, seed: int) -> None:
    a = unc.uncertainty(long, SPEC, draws=60, seed=seed, min_dimensions=1)
    b = unc.uncertainty(long, SPEC, draws=60, seed=seed, min_dimensions=1)
    pdt.assert_frame_equal(a, b)  # same seed → identical output
    ok = a.dropna(subset=["index_median"])
    assert (ok["index_low"] <= ok["index_median"] + 1e-9).all()
    assert (ok["index_median"] <= ok["index_high"] + 1e-9).all()
    # the band varies the headline's weights only, so it holds the headline index
    assert (ok["index_low"] <= ok["index"] + 1e-9).all() and (ok["index"] <= ok["index_high"] + 1e-9).all()
    for col in ("rank_low", "rank_median", "rank_high"):
        assert ((ok[col] >= 1) & (ok[col] <= ok["n_ranked"])).all()
    assert (ok["rank_low"] <= ok["rank_median"]).all()
    assert (ok["rank_median"] <= ok["rank_high"]).all()
    assert ((ok["rank_kept_pct"] >= 0) & (ok["rank_kept_pct"] <= 100)).all()


# ----------------------------------------------------------------------------- the demo


def test_demo_headline_index_inside_its_band() -> None:
    from pathlib import Path

    import linli
    from linli import indicators
    from linli.indicators import catalogue

    ds = linli.load_dataset(Path(__file__).resolve().parents[1] / "data" / "raw")
    long = indicators.compute(ds.tables)
    cat = catalogue.load()
    settings = sp.settings_from_catalogue(cat)
    u = unc.uncertainty(long, sp.spec_from_catalogue(cat), **settings.for_uncertainty())
    assert len(u) == 5 * 3  # 4 communities and the zone, 2022–2024
    # the band varies the headline's weights only: the headline lies inside it, for every unit and year
    assert (u["index_low"] <= u["index"]).all() and (u["index"] <= u["index_high"]).all()
    assert (u["index_high"] - u["index_low"] > 0).all()  # and the weights do move it
    communities = u[u["unit_type"] == "community"]
    assert communities["rank"].notna().all() and u.loc[u["unit_type"] == "zone", "rank"].isna().all()
    s = unc.rank_sensitivity(long, sp.spec_from_catalogue(cat), **dataclasses.asdict(settings), year=2024)
    assert len(s) == 4 * 3  # 4 communities × 3 inputs
