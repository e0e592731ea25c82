"""Tests of linli.pipeline: what the results hold, and a bad claims file that cannot stop them."""

from __future__ import annotations

from pathlib import Path

import pytest

from linli import synth
from linli.dataset import load_dataset
from linli.pipeline import FRAMES, compute_results
from linli.uncertainty import INPUTS


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("raw")
    synth.generate(path, communities=3, seed=2)  # zone "zone": c0001, c0002, c0003; 2022–2024
    return path


def _results(raw: Path, claims: str | None, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("LINLI_KEY", "results-test-key")
    path = raw / "published_claims.yaml"
    if claims is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(claims, encoding="utf-8")
    return compute_results(load_dataset(raw))


def test_hand_off_holds_the_uncertainty_and_the_rank_sensitivity(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = _results(raw, None, monkeypatch)
    assert tuple(res.frames) == FRAMES  # type: ignore[attr-defined]
    unc = res.frames["uncertainty"]  # type: ignore[attr-defined]
    assert {"index_low", "index_median", "index_high", "rank_kept_pct"} <= set(unc.columns)
    sens = res.frames["rank_sensitivity"]  # type: ignore[attr-defined]
    # 3 communities × 3 years × 3 inputs; the zone is not ranked, so it has none
    assert len(sens) == 3 * 3 * 3 and set(sens["unit_type"]) == {"community"}
    assert set(sens["input"]) == set(INPUTS)
    assert res.meta["claims_error"] is None  # type: ignore[attr-defined]


def test_unreadable_claims_file_does_not_stop_the_results(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = _results(raw, "claims:\n  - {id: [\n", monkeypatch)
    assert res.frames["claims"].empty  # type: ignore[attr-defined]
    assert res.meta["claims_error"].startswith("published_claims.yaml: not valid YAML (line 3)")  # type: ignore[attr-defined]
    assert not res.frames["index"].empty  # type: ignore[attr-defined]
    # a claim that breaks the schema is a reason too
    body = "claims:\n  - {id: x, indicator: residents, scope: street, year: 2024, value: 1, comparison: eq}\n"
    bad = _results(raw, body, monkeypatch)
    assert "claim 'x', field 'scope'" in bad.meta["claims_error"]  # type: ignore[attr-defined]


def test_zone_claim_without_unit_id_is_checked(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "claims:\n  - {id: r, indicator: residents, scope: zone, year: 2024, value: 1, comparison: at_least}\n"
    res = _results(raw, body, monkeypatch)
    row = res.frames["claims"].iloc[0]  # type: ignore[attr-defined]
    # synth writes one zone, "zone": the claim is about it; residents ≥ 1 holds
    assert (row["unit_id"], row["verdict"]) == ("zone", "agrees")
    assert res.meta["claims_error"] is None  # type: ignore[attr-defined]


def test_indicator_years_are_sorted_and_none_is_refused_naming_the_as_of_date() -> None:
    import datetime as dt
    from types import SimpleNamespace

    import pandas as pd

    from linli.errors import LinliError
    from linli.pipeline import indicator_years

    ds = SimpleNamespace(data_dir=Path("ledgers"), as_of=dt.date(2024, 12, 31))
    long = pd.DataFrame({"year": [2024, 2022, 2024, 2023]})
    assert indicator_years(ds, long) == [2022, 2023, 2024]  # each year once, oldest first
    with pytest.raises(LinliError, match=r"ledgers: no year has indicator data .* as-of date 2024-12-31"):
        indicator_years(ds, long.iloc[:0])
