"""Tests of linli.progress: CAGR, required CAGR, statuses and their boundaries.

Every expected number is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import math

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import given, settings

from linli import progress as pg
from linli.errors import ContractError

_NA = pd.NA


def _spec(*rows: tuple) -> pd.DataFrame:
    """Spec rows: (indicator, dimension, direction, target, comparison, kind, target_year)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "indicator",
            "dimension",
            "direction",
            "target_value",
            "target_comparison",
            "target_kind",
            "target_year",
        ],
    )
    frame["target_value"] = frame["target_value"].astype(float)
    frame["target_year"] = frame["target_year"].astype("Int64")
    frame["lo"], frame["hi"] = 0.0, 100.0
    return frame


PLAIN = _spec(("vols", "wushe", "up", np.nan, None, None, _NA))
DOWN = _spec(("days", "lin_he", "down", np.nan, None, None, _NA))


def _long(
    indicator: str, pairs: dict[str, tuple[float, float]], years: tuple[int, int]
) -> pd.DataFrame:
    """Long table: unit → (baseline value, value) in ``years``."""
    rows = []
    for unit, (x0, xy) in pairs.items():
        rows.append((unit, "community", years[0], indicator, x0))
        rows.append((unit, "community", years[1], indicator, xy))
    frame = pd.DataFrame(rows, columns=["unit_id", "unit_type", "year", "indicator", "value"])
    frame["value"] = frame["value"].astype(float)
    return frame


def _run(
    spec: pd.DataFrame, indicator: str, pairs: dict, years: tuple[int, int] = (2023, 2024)
) -> pd.DataFrame:
    out = pg.progress(_long(indicator, pairs, years), spec, baseline_year=years[0], year=years[1])
    return out.set_index("unit_id")


# ----------------------------------------------------------------------------- CAGR, no target


def test_cagr_up_and_down() -> None:
    up = _run(PLAIN, "vols", {"a": (100.0, 121.0)}, (2022, 2024))
    # (121 ÷ 100)^(1 ÷ 2) − 1 = 1.1 − 1 = 0.1
    assert up.loc["a", "cagr"] == pytest.approx(0.1)
    assert up.loc["a", "status"] == "substantial_progress"
    assert math.isnan(up.loc["a", "required_cagr"]) and math.isnan(up.loc["a", "ratio"])
    assert pd.isna(up.loc["a", "target_met"])
    down = _run(DOWN, "days", {"a": (100.0, 81.0)}, (2022, 2024))
    # raw (81 ÷ 100)^(1/2) − 1 = 0.9 − 1 = −0.1; sign flipped for ↓ → +0.1
    assert down.loc["a", "cagr"] == pytest.approx(0.1)
    assert down.loc["a", "status"] == "substantial_progress"


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (101.5, "substantial_progress"),  # 101.5 ÷ 100 − 1 = 1.5 % → at the 1.5 % bound
        (101.4, "moderate_progress"),  # 1.4 %
        (100.5, "moderate_progress"),  # 0.5 % → at the 0.5 % bound
        (100.4, "limited_progress"),  # 0.4 %
        (100.0, "limited_progress"),  # 0 % → at the 0 bound: no change is limited progress
        (99.9, "deterioration"),  # −0.1 %
    ],
)
def test_no_target_boundaries(value: float, status: str) -> None:
    # one year apart: CAGR = value ÷ 100 − 1
    out = _run(PLAIN, "vols", {"a": (100.0, value)})
    assert out.loc["a", "cagr"] == pytest.approx(value / 100 - 1)
    assert out.loc["a", "status"] == status


def test_no_target_boundaries_down() -> None:
    # ↓: 100 → 98.5 is raw −1.5 %, flipped +1.5 % → substantial; 100 → 100.1 is −0.1 % → deterioration
    out = _run(DOWN, "days", {"a": (100.0, 98.5), "b": (100.0, 100.1)})
    assert out.loc["a", "status"] == "substantial_progress"
    assert out.loc["b", "status"] == "deterioration"


# ----------------------------------------------------------------------------- with a target


TARGET = _spec(("area", "lin_le", "up", 200.0, "ge", "target", 2024))


@pytest.mark.parametrize(
    ("value", "ratio", "status"),
    [
        # baseline 100 in 2023, target ≥ 200 by 2024: required = (200 ÷ 100)^(1/1) − 1 = 1.0,
        # observed = value ÷ 100 − 1, ratio = observed ÷ 1.0
        (195.0, 0.95, "substantial_progress"),  # 0.95 → at the 0.95 bound
        (194.0, 0.94, "moderate_progress"),
        (160.0, 0.60, "moderate_progress"),  # 0.6 → at the 0.6 bound
        (159.0, 0.59, "limited_progress"),
        (100.0, 0.00, "limited_progress"),  # 0 → at the 0 bound
        (99.0, -0.01, "deterioration"),
        (200.0, 1.00, "target_achieved"),  # 200 ≥ 200: the target is met
    ],
)
def test_target_boundaries(value: float, ratio: float, status: str) -> None:
    out = _run(TARGET, "area", {"a": (100.0, value)})
    assert out.loc["a", "required_cagr"] == pytest.approx(1.0)
    assert out.loc["a", "ratio"] == pytest.approx(ratio)
    assert out.loc["a", "status"] == status
    assert out.loc["a", "target_met"] == (status == "target_achieved")
    assert out.loc["a", "target"] == 200.0
    assert out.loc["a", "target_year"] == 2024


def test_strict_target_not_met_at_equality() -> None:
    spec = _spec(("area", "lin_le", "up", 200.0, "gt", "target", 2024))
    out = _run(spec, "area", {"a": (100.0, 200.0)})
    # 200 > 200 is false → not met; ratio (200 ÷ 100 − 1) ÷ 1.0 = 1.0 ≥ 0.95 → substantial
    assert not out.loc["a", "target_met"]
    assert out.loc["a", "status"] == "substantial_progress"


def test_target_year_later_and_null() -> None:
    later = _spec(("area", "lin_le", "up", 146.41, "ge", "target", 2026))
    out = _run(later, "area", {"a": (100.0, 121.0)}, (2022, 2024))
    # required = (146.41 ÷ 100)^(1 ÷ (2026 − 2022)) − 1 = 1.1 − 1 = 0.1 (1.1⁴ = 1.4641)
    # observed = (121 ÷ 100)^(1/2) − 1 = 0.1 → ratio 1.0 → substantial
    assert out.loc["a", "required_cagr"] == pytest.approx(0.1)
    assert out.loc["a", "ratio"] == pytest.approx(1.0)
    assert out.loc["a", "status"] == "substantial_progress"
    null = _spec(("area", "lin_le", "up", 144.0, "ge", "target", _NA))
    out = _run(null, "area", {"a": (100.0, 110.0)}, (2022, 2024))
    # no target year → T = Y = 2024: required = (144 ÷ 100)^(1/2) − 1 = 1.2 − 1 = 0.2
    # observed = (110 ÷ 100)^(1/2) − 1 = 0.048809; ratio = 0.048809 ÷ 0.2 = 0.244 → limited
    assert out.loc["a", "target_year"] == 2024
    assert out.loc["a", "required_cagr"] == pytest.approx(0.2)
    assert out.loc["a", "ratio"] == pytest.approx((math.sqrt(1.1) - 1) / 0.2)
    assert out.loc["a", "status"] == "limited_progress"


def test_down_target() -> None:
    spec = _spec(("days", "lin_he", "down", 50.0, "le", "target", 2024))
    out = _run(spec, "days", {"a": (100.0, 80.0)})
    # required = −((50 ÷ 100) − 1) = +0.5; observed = −(80 ÷ 100 − 1) = +0.2; ratio 0.4 → limited
    assert out.loc["a", "required_cagr"] == pytest.approx(0.5)
    assert out.loc["a", "cagr"] == pytest.approx(0.2)
    assert out.loc["a", "ratio"] == pytest.approx(0.4)
    assert out.loc["a", "status"] == "limited_progress"


def test_baseline_met_target_then_slipped() -> None:
    spec = _spec(("area", "lin_le", "up", 30.0, "ge", "target", 2024))
    out = _run(spec, "area", {"a": (40.0, 25.0)})
    # required = 30 ÷ 40 − 1 = −0.25 (already met), |−0.25| = 0.25; observed = 25 ÷ 40 − 1 = −0.375
    # ratio = −0.375 ÷ 0.25 = −1.5 → deterioration (not "progress" from −/−)
    assert out.loc["a", "ratio"] == pytest.approx(-1.5)
    assert out.loc["a", "status"] == "deterioration"


def test_required_zero_falls_back_to_cagr() -> None:
    spec = _spec(("area", "lin_le", "up", 30.0, "gt", "target", 2024))
    out = _run(spec, "area", {"a": (30.0, 30.0), "b": (30.0, 29.0)})
    # required = 30 ÷ 30 − 1 = 0 → no ratio; a: CAGR 0 → limited; b: 29 ÷ 30 − 1 < 0 → deterioration
    assert math.isnan(out.loc["a", "ratio"])
    assert out.loc["a", "status"] == "limited_progress"
    assert out.loc["b", "status"] == "deterioration"


def test_benchmark_is_not_a_target() -> None:
    spec = _spec(("success", "lin_he", "up", 96.0, "ge", "benchmark", 2018))
    out = _run(spec, "success", {"a": (90.0, 97.0), "b": (90.0, 96.0), "c": (99.0, 95.0)})
    assert out["target_met"].isna().all()
    assert out["vs_benchmark"].tolist() == ["above", "equal", "below"]
    assert math.isnan(out.loc["a", "required_cagr"])
    # status from the CAGR alone: 97 ÷ 90 − 1 = 7.8 % → substantial; 95 ÷ 99 − 1 < 0 → deterioration
    assert out.loc["a", "status"] == "substantial_progress"
    assert out.loc["c", "status"] == "deterioration"
    assert pd.isna(out.loc["a", "target_year"])


# ----------------------------------------------------------------------------- not available


def test_not_available() -> None:
    long = _long(
        "vols",
        {"zero": (0.0, 5.0), "nan": (np.nan, 5.0), "neg": (-2.0, 5.0), "drop": (5.0, 0.0)},
        (2023, 2024),
    )
    long = pd.concat(
        [long, _long("vols", {"gone": (5.0, 5.0)}, (2023, 2024)).iloc[[0]]], ignore_index=True
    )
    out = pg.progress(long, PLAIN, baseline_year=2023, year=2024).set_index("unit_id")
    for unit in ("zero", "nan", "neg", "gone"):
        assert out.loc[unit, "status"] == "not_available", unit
        assert math.isnan(out.loc[unit, "cagr"])
    assert out.loc["zero", "reason"] == "baseline value in 2023 is 0"
    assert out.loc["nan", "reason"] == "no value in baseline year 2023"
    assert out.loc["gone", "reason"] == "no value in 2024"
    assert math.isnan(out.loc["gone", "value"])
    # 5 → 0: 0 ÷ 5 − 1 = −100 % — assessed, deterioration
    assert out.loc["drop", "cagr"] == pytest.approx(-1.0)
    assert out.loc["drop", "status"] == "deterioration"


def test_met_target_without_baseline_is_achieved() -> None:
    long = _long("area", {"a": (np.nan, 250.0)}, (2023, 2024))
    out = pg.progress(long, TARGET, baseline_year=2023, year=2024)
    assert out.loc[0, "status"] == "target_achieved"
    assert bool(out.loc[0, "target_met"])


# ----------------------------------------------------------------------------- table shape, options


def test_columns_order_and_context_excluded() -> None:
    spec = pd.concat([PLAIN, _spec(("residents", "profile", "context", np.nan, None, None, _NA))])
    long = pd.concat(
        [
            _long("vols", {"b": (1.0, 2.0), "a": (1.0, 2.0)}, (2023, 2024)),
            _long("residents", {"a": (9.0, 9.0)}, (2023, 2024)),
        ]
    )
    out = pg.progress(long, spec, baseline_year=2023, year=2024)
    assert list(out.columns[:12]) == [
        "unit_id",
        "unit_type",
        "indicator",
        "baseline_year",
        "year",
        "baseline",
        "value",
        "cagr",
        "required_cagr",
        "ratio",
        "status",
        "target_met",
    ]
    assert out["indicator"].tolist() == ["vols", "vols"]
    assert out["unit_id"].tolist() == ["a", "b"]


def test_thresholds_configurable() -> None:
    th = pg.ProgressThresholds(cagr_substantial=0.2, cagr_moderate=0.1, cagr_limited=0.0)
    out = pg.progress(
        _long("vols", {"a": (100.0, 115.0)}, (2023, 2024)),
        PLAIN,
        baseline_year=2023,
        year=2024,
        thresholds=th,
    )
    # 15 % is below the raised 20 % bound, above 10 % → moderate
    assert out.loc[0, "status"] == "moderate_progress"
    with pytest.raises(ContractError, match="decreasing"):
        pg.ProgressThresholds(ratio_substantial=0.5, ratio_moderate=0.6)


def test_bad_options() -> None:
    long = _long("vols", {"a": (1.0, 2.0)}, (2023, 2024))
    with pytest.raises(ContractError, match="after baseline_year"):
        pg.progress(long, PLAIN, baseline_year=2024, year=2024)
    bad = _spec(("area", "lin_le", "up", 30.0, "more", "target", 2024))
    with pytest.raises(ContractError, match="unknown target comparison 'more'"):
        pg.progress(
            _long("area", {"a": (1.0, 2.0)}, (2023, 2024)), bad, baseline_year=2023, year=2024
        )


@pytest.mark.parametrize(
    ("value", "target", "comparison", "expected"),
    [
        (31.0, 30.0, "gt", True),
        (30.0, 30.0, "gt", False),
        (30.0, 30.0, "ge", True),
        (29.0, 30.0, "lt", True),
        (30.0, 30.0, "lt", False),
        (30.0, 30.0, "le", True),
        (0.1 + 0.2, 0.3, "eq", True),  # 0.30000000000000004 equals 0.3 within 1e-9
        (30.1, 30.0, "eq", False),
        (None, 30.0, "ge", None),
        (float("nan"), 30.0, "ge", None),
        (30.0, None, "ge", None),
    ],
)
def test_target_met(
    value: float | None, target: float | None, comparison: str, expected: bool | None
) -> None:
    assert pg.target_met(value, target, comparison) is expected  # type: ignore[arg-type]


def test_target_met_rejects_unknown_comparison() -> None:
    with pytest.raises(ContractError, match="known"):
        pg.target_met(1.0, 2.0, "about")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- properties

_RANK = {
    "deterioration": 0,
    "limited_progress": 1,
    "moderate_progress": 2,
    "substantial_progress": 3,
    "target_achieved": 4,
}
_pos = st.floats(min_value=0.01, max_value=1e4, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    x0=_pos,
    xy=_pos,
    step=st.floats(min_value=0, max_value=1e3),
    with_target=st.booleans(),
    down=st.booleans(),
)
def test_better_value_never_worse_status(
    x0: float, xy: float, step: float, with_target: bool, down: bool
) -> None:
    spec = _spec(
        (
            "ind",
            "lin_le",
            "down" if down else "up",
            50.0 if with_target else np.nan,
            ("le" if down else "ge") if with_target else None,
            "target" if with_target else None,
            2026,
        )
    )
    better = max(xy - step, 0.0) if down else xy + step
    out = pg.progress(
        _long("ind", {"a": (x0, xy), "b": (x0, better)}, (2022, 2024)),
        spec,
        baseline_year=2022,
        year=2024,
    ).set_index("unit_id")
    assert _RANK[out.loc["b", "status"]] >= _RANK[out.loc["a", "status"]]


@settings(max_examples=20, deadline=None)
@given(
    values=st.lists(st.tuples(_pos, _pos), min_size=1, max_size=6),
    order=st.randoms(use_true_random=False),
)
def test_row_order_changes_nothing(values: list[tuple[float, float]], order: object) -> None:
    long = _long("area", {f"u{i}": v for i, v in enumerate(values)}, (2022, 2024))
    perm = list(range(len(long)))
    order.shuffle(perm)  # type: ignore[attr-defined]
    a = pg.progress(long, TARGET, baseline_year=2022, year=2024)
    b = pg.progress(long.iloc[perm], TARGET, baseline_year=2022, year=2024)
    pdt.assert_frame_equal(a, b)
