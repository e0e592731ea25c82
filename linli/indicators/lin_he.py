"""邻和 — mediation and harmony: disputes and their joint ("1+N") mediation.

Cases are placed in Y by ``received_on``; every case received in Y counts, whatever
its outcome now. Examples list ``[a, b, z]`` for 2024 of
:func:`linli.testing.example_tables`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import LIST_SEP
from ._core import (
    CODE,
    Context,
    closed_days,
    count,
    indicator,
    lookup,
    median_days,
    pooled,
    population,
    ratio,
    with_columns,
)

__all__ = [
    "disputes_per_1k_households",
    "joint_mediation_pct",
    "mediation_median_days",
    "mediation_success_pct",
    "repeat_dispute_compounds",
    "repeat_dispute_compounds_pct",
]

#: A compound with at least this many cases in a year is a repeat-dispute compound.
REPEAT_CASES: int = 3


@indicator()
def disputes_per_1k_households(ctx: Context) -> pd.DataFrame:
    """Return the mediation cases received in Y per 1,000 households.

    ``mediation cases in Y ÷ pop.households × 1,000`` (per 1k).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = disputes_per_1k_households(example_tables(), years=[2024])
    >>> f["disputes_per_1k_households"].tolist()  # 3/400, 3/600, 6/1000 × 1000
    [7.5, 5.0, 6.0]
    """
    return ratio(
        ctx,
        count(ctx, ctx.events("mediation_cases")),
        population(ctx, "households"),
        scale=1_000.0,
        zero="households is 0 in {year}",
    )


@indicator()
def mediation_success_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of decided cases of Y that were resolved.

    ``cases in Y with outcome resolved ÷ cases in Y with outcome not pending × 100``
    (%); pending cases are left out of both.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = mediation_success_pct(example_tables(), years=[2024])
    >>> f["mediation_success_pct"].round(2).tolist()  # 1/2, 2/3, 3/5 (not the mean 58.33)
    [50.0, 66.67, 60.0]
    """
    cases = ctx.events("mediation_cases", ["outcome"])
    outcome = cases["outcome"].astype("string")
    return ratio(
        ctx,
        count(ctx, cases, where=(outcome == "resolved").fillna(False).to_numpy(dtype=bool)),
        count(ctx, cases, where=(outcome != "pending").fillna(False).to_numpy(dtype=bool)),
        scale=100.0,
        zero="no cases other than pending received in {year}",
    )


@indicator()
def mediation_median_days(ctx: Context) -> pd.DataFrame:
    """Return the median days to resolve the cases received in Y.

    ``median(closed_on − received_on)`` in whole days over cases in Y with outcome
    ``resolved`` and a ``closed_on``; the ordinary median; the zone takes the median
    of the pooled cases (days).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> mediation_median_days(example_tables(), years=[2024])["mediation_median_days"].tolist()
    [10.0, 5.0, 6.0]
    """
    cases = ctx.events("mediation_cases", ["outcome", "closed_on"])
    resolved = (cases["outcome"].astype("string") == "resolved").fillna(False).to_numpy(dtype=bool)
    return pooled(
        ctx, closed_days(cases, where=resolved), median_days, empty="no resolved and closed cases received in {year}"
    )


def mediator_count(mediators: pd.Series) -> pd.Series:
    """Return the number of distinct mediator codes in each ``;``-joined list.

    Examples
    --------
    >>> import pandas as pd
    >>> mediator_count(pd.Series(["police;grid_worker", "police;police", "", None])).tolist()
    [2, 1, 0, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # a ledger repeats a few lists many times: each distinct list is split once
    lists_of, texts = pd.factorize(mediators.astype("string"))  # −1 for an empty cell
    text = pa.array(np.asarray(texts.to_numpy(dtype=object)), type=pa.string())
    lists = pc.split_pattern(text, LIST_SEP)
    row = pc.list_parent_indices(lists).to_numpy()
    code = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.fill_null(pc.not_equal(code, ""), False).to_numpy(zero_copy_only=False)
    found, uniques = pd.factorize(code.filter(pa.array(keep)).to_numpy(zero_copy_only=False))
    n_codes = max(len(uniques), 1)
    distinct = pd.unique(row[keep] * n_codes + found)  # one per (list, distinct code)
    per_list = np.bincount(distinct // n_codes, minlength=len(texts))
    counted = np.where(lists_of >= 0, per_list[np.maximum(lists_of, 0)] if len(texts) else 0, 0)
    return pd.Series(counted.astype("int64"), index=mediators.index)


@indicator()
def joint_mediation_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of cases of Y mediated jointly by two or more forces ("1+N").

    ``cases in Y with ≥ 2 distinct mediator codes ÷ cases in Y × 100`` (%).

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = joint_mediation_pct(example_tables(), years=[2024])
    >>> f["joint_mediation_pct"].round(2).tolist()  # 2/3, 1/3, 3/6
    [66.67, 33.33, 50.0]
    """
    cases = ctx.events("mediation_cases", ["mediators"])
    joint = mediator_count(cases["mediators"].reset_index(drop=True)).to_numpy() >= 2
    return ratio(
        ctx,
        count(ctx, cases, where=joint),
        count(ctx, cases),
        scale=100.0,
        zero="no cases received in {year}",
    )


def _compound_codes(ctx: Context) -> tuple[np.ndarray, pd.Index]:
    """Return each case's compound (a code into the names returned, −1 without one) and the names.

    A name is the ``compound_id`` stripped of surrounding white space; an empty one
    is no compound. Each distinct ``compound_id`` is stripped once.
    """
    cases = ctx.events("mediation_cases", ["compound_id"])

    def make() -> tuple[np.ndarray, pd.Index]:
        raw, written = pd.factorize(cases["compound_id"].astype("string"))
        stripped = pd.Series(written, dtype="string").str.strip()
        named = (stripped.notna() & (stripped != "")).to_numpy(dtype=bool)
        same, names = pd.factorize(stripped.where(named))  # ids equal once stripped share a code; −1 unnamed
        code = np.where(raw >= 0, same[np.maximum(raw, 0)] if len(written) else -1, -1)
        return code, pd.Index(names, dtype="string")

    return ctx.cached(("compound_codes",), make)


def _repeat_compounds(records: pd.DataFrame) -> pd.Series:
    per_compound = records.groupby(["unit", "year", "compound_id"]).size()
    return (per_compound >= REPEAT_CASES).groupby(level=["unit", "year"]).sum()


@indicator()
def repeat_dispute_compounds(ctx: Context) -> pd.DataFrame:
    """Return the compounds with three or more mediation cases received in Y (count).

    Cases without a ``compound_id`` are not attributed to a compound. The zone
    counts compounds over the pooled cases of its communities.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = repeat_dispute_compounds(example_tables(), years=[2024])
    >>> f["repeat_dispute_compounds"].tolist()  # ca1 (3 cases), cb1 (3 cases)
    [1.0, 1.0, 2.0]
    """
    cases = ctx.events("mediation_cases", ["compound_id"])
    compound, _ = _compound_codes(ctx)
    keep = compound >= 0
    records = with_columns(cases.loc[keep, [CODE, "year"]], compound_id=compound[keep])
    return pooled(ctx, records, _repeat_compounds, fill=0.0)


@indicator()
def repeat_dispute_compounds_pct(ctx: Context) -> pd.DataFrame:
    """Return the share of the unit's compounds with three or more cases received in Y.

    ``compounds with ≥ 3 cases in Y ÷ compounds × 100`` (%), over the compounds of
    the compounds table. A compound counts for the community it belongs to (its
    row in the compounds table), its cases matched on ``compound_id`` whichever
    community recorded them — as services are matched on ``resident_id`` — so the
    share stays within 0–100 % and the zone's count is the sum of its
    communities'. Cases without a ``compound_id`` are not attributed.

    Examples
    --------
    >>> from linli.testing import example_tables
    >>> f = repeat_dispute_compounds_pct(example_tables(), years=[2024])
    >>> f["repeat_dispute_compounds_pct"].round(2).tolist()  # ca1 of {ca1, ca2}; cb1 of {cb1}; 2/3
    [50.0, 100.0, 66.67]
    """
    compounds = ctx.table("compounds")
    cases = ctx.events("mediation_cases", ["compound_id"])
    compound, names = _compound_codes(ctx)
    n_years = max(len(ctx.years), 1)
    year = ctx.year_codes(cases["year"].to_numpy())
    keep = (compound >= 0) & (year >= 0)
    # cases per (compound name, year); a pair with at least REPEAT_CASES is a repeat
    repeated = np.bincount(compound[keep] * n_years + year[keep], minlength=len(names) * n_years) >= REPEAT_CASES
    crossed = ctx.by_year(
        pd.DataFrame({CODE: compounds[CODE].to_numpy(),
                      "_name": lookup(compounds["compound_id"].astype("string").str.strip(), names)})
    )
    name = crossed["_name"].to_numpy()
    hit = np.zeros(len(crossed), dtype=bool)
    listed = name >= 0
    hit[listed] = repeated[name[listed] * n_years + ctx.year_codes(crossed["year"].to_numpy()[listed])]
    return ratio(ctx, count(ctx, crossed, where=hit), count(ctx, crossed), scale=100.0, zero="no compounds")
