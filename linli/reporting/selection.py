"""Which communities a report sets side by side, when its zone has many.

A real street has 5–20 communities, and a report shows every one of them: in the chart
of index bands, the comparison of the brand's key indicator, the zone's tables. A zone
of a district or a province has hundreds or thousands, and a chart 0.42 inch tall per
community would be metres long (and its kernel gigabytes large). So, past
:data:`ALL_UP_TO` communities:

* a community's report sets the community among its **nearest neighbours in rank**:
  the :data:`NEIGHBOURS` ranked just above it and just below it (``2 × NEIGHBOURS + 1``
  in all; at either end of the ranking the window moves inwards, so it keeps its size);
* a zone's report shows its :data:`EXTREMES` **best and worst ranked** communities, and
  every community only through the distribution of the values (lowest, quartiles,
  median, highest).

Every figure and table that shows fewer than all says so, with the zone's count
(:func:`scope_text`). The ranking is the headline rank (``rank`` of the uncertainty
frame), ties and unranked communities (no index) in id order, unranked last.

Tunables
--------
``ALL_UP_TO``   a zone of at most this many communities is shown whole (30)
``NEIGHBOURS``  communities either side of a community in its report (10)
``EXTREMES``    best and worst ranked communities a zone's report shows (10 each)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..handoff import UnitSlice, load_frame, load_units
from ..labels import check_lang, whole, word

__all__ = ["ALL_UP_TO", "EXTREMES", "NEIGHBOURS", "Shown", "around", "compared_with", "extremes", "ranked",
           "scope_text", "subset", "zone_shown"]

#: A zone of at most this many communities is shown whole, in every figure and table.
ALL_UP_TO: int = 30
#: Communities either side of a community in its report, in a zone of more than :data:`ALL_UP_TO`.
NEIGHBOURS: int = 10
#: Best and worst ranked communities a zone's report shows, in a zone of more than :data:`ALL_UP_TO`.
EXTREMES: int = 10


@dataclass(frozen=True)
class Shown:
    """The communities a report shows (in rank order) and how many its zone has.

    ``how`` is ``all`` (every community), ``near`` (a community among its nearest
    neighbours in rank) or ``extremes`` (the best and the worst ranked).
    """

    ids: tuple[str, ...]
    of: int
    how: str = "all"

    @property
    def whole(self) -> bool:
        """Whether every community of the zone is shown."""
        return self.how == "all"

    @property
    def break_after(self) -> int | None:
        """Where the shown communities skip some (after the best ranked of ``extremes``), else None."""
        return len(self.ids) // 2 if self.how == "extremes" else None


def subset(frame: pd.DataFrame, shown: Shown, *, keep: Sequence[str] = ()) -> pd.DataFrame:
    """The rows of ``frame`` (with a ``unit_id`` column) of the shown communities and of ``keep`` (the zone).

    Examples
    --------
    >>> f = pd.DataFrame({"unit_id": ["z", "a", "b", "c"], "index": [50.0, 61.0, 55.0, 40.0]})
    >>> subset(f, Shown(("a", "c"), 3, "extremes"), keep=["z"])["unit_id"].tolist()
    ['z', 'a', 'c']
    """
    return frame[frame["unit_id"].astype(str).isin({*shown.ids, *keep})]


def ranked(uncertainty: pd.DataFrame, *, year: int) -> list[str]:
    """Return the community ids of ``uncertainty`` in ``year``, best ranked first.

    Sorted by the headline ``rank``, then by id; communities without a rank (no index)
    last, in id order. Zone rows are left out.

    Examples
    --------
    >>> unc = pd.DataFrame({"unit_id": ["b", "a", "z", "c", "d"], "year": 2024,
    ...     "unit_type": ["community", "community", "zone", "community", "community"],
    ...     "rank": pd.array([2, 2, None, None, 1], dtype="Int64")})
    >>> ranked(unc, year=2024)  # d is 1st, a and b share the 2nd place (by id), c has no rank
    ['d', 'a', 'b', 'c']
    """
    now = uncertainty[uncertainty["year"] == year]
    if "unit_type" in now.columns:
        now = now[now["unit_type"].astype(str) == "community"]
    frame = pd.DataFrame({"unit_id": now["unit_id"].astype(str).to_numpy(),
                          "rank": pd.to_numeric(now["rank"], errors="coerce").to_numpy(dtype=float)})
    frame = frame.drop_duplicates("unit_id", keep="last")
    return frame.sort_values(["rank", "unit_id"], na_position="last", kind="stable")["unit_id"].tolist()


def around(order: Sequence[str], unit_id: str, *, k: int | None = None, all_up_to: int | None = None) -> Shown:
    """Return the communities a community's report sets ``unit_id`` among.

    Every community of ``order`` when there are at most ``all_up_to``; else the window of
    ``2k + 1`` communities of ``order`` centred on ``unit_id``, moved inwards at either end:
    it starts at position ``min(max(i − k, 0), n − 2k − 1)`` (``i`` the unit's position,
    ``n`` the communities).

    Parameters
    ----------
    order
        The zone's communities, best ranked first (:func:`ranked`).
    unit_id
        The community reported on.
    k
        Communities either side (default :data:`NEIGHBOURS`).
    all_up_to
        Show every community of a zone this small (default :data:`ALL_UP_TO`).

    Raises
    ------
    ValueError
        When ``unit_id`` is not in ``order``.

    Examples
    --------
    >>> order = [f"c{i:02d}" for i in range(1, 51)]  # 50 communities, c01 ranked 1st
    >>> s = around(order, "c25")  # position 24: the window starts at 24 − 10 = 14, ranks 15–35
    >>> s.ids[0], s.ids[-1], len(s.ids), s.of, s.how
    ('c15', 'c35', 21, 50, 'near')
    >>> around(order[:4], "c03").ids  # 4 communities: all
    ('c01', 'c02', 'c03', 'c04')
    """
    order = list(order)
    k = NEIGHBOURS if k is None else k
    all_up_to = ALL_UP_TO if all_up_to is None else all_up_to
    if unit_id not in order:
        msg = f"Community {unit_id!r} is not among the zone's {len(order)} ranked communities."
        raise ValueError(msg)
    n = len(order)
    if n <= all_up_to or n <= 2 * k + 1:
        return Shown(tuple(order), n)
    start = min(max(order.index(unit_id) - k, 0), n - (2 * k + 1))
    return Shown(tuple(order[start:start + 2 * k + 1]), n, "near")


def extremes(order: Sequence[str], *, k: int | None = None, all_up_to: int | None = None) -> Shown:
    """Return the communities a zone's report shows by name: all of a small zone; else the
    ``k`` best ranked and the ``k`` worst (``order[:k] + order[-k:]``; defaults
    :data:`EXTREMES` and :data:`ALL_UP_TO`).

    Examples
    --------
    >>> order = [f"c{i:02d}" for i in range(1, 51)]
    >>> s = extremes(order, k=3)  # ranks 1–3 and 48–50 of 50
    >>> s.ids, s.of, s.how
    (('c01', 'c02', 'c03', 'c48', 'c49', 'c50'), 50, 'extremes')
    >>> extremes(order[:30]).how  # 30 communities: all
    'all'
    """
    order = list(order)
    k = EXTREMES if k is None else k
    all_up_to = ALL_UP_TO if all_up_to is None else all_up_to
    n = len(order)
    if n <= all_up_to or n <= 2 * k:
        return Shown(tuple(order), n)
    return Shown(tuple(order[:k] + order[-k:]), n, "extremes")


def _members(handoff_dir: object, zone_id: str) -> list[str]:
    units = load_units(handoff_dir)  # type: ignore[arg-type]
    communities = units[(units["unit_type"].astype(str) == "community") & (units["zone_id"].astype(str) == zone_id)]
    return communities["unit_id"].astype(str).tolist()


def _order(handoff_dir: object, members: Sequence[str], year: int) -> list[str]:
    """``members`` best ranked first; members the uncertainty frame lacks go last, by id."""
    unc = load_frame(handoff_dir, "uncertainty")  # type: ignore[arg-type]
    order = ranked(unc[unc["unit_id"].astype(str).isin(set(members))], year=year)
    return order + sorted(set(members) - set(order))


def compared_with(res: UnitSlice) -> Shown:
    """Return the communities a community's report sets it among: every community of its
    zone, or, in a zone of more than :data:`ALL_UP_TO`, its nearest neighbours in rank
    (:func:`around`). Reads the hand-off's units and ranks, not the zone's other frames.

    A community without a zone is shown alone, and so is a unit that is not a community
    (the report's checks then say which notebook reports it).
    """
    zid = res.unit.get("zone_id")
    if not zid or res.unit_type != "community":
        return Shown((res.unit_id,), 1)
    members = _members(res.handoff_dir, str(zid))
    return around(_order(res.handoff_dir, members, res.year), res.unit_id)


def zone_shown(res: UnitSlice) -> Shown:
    """Return the communities a zone's report names: all, or the best and worst ranked
    (:func:`extremes`) of a zone of more than :data:`ALL_UP_TO`."""
    return extremes(_order(res.handoff_dir, res.community_ids, res.year))


def scope_text(shown: Shown, *, lang: str = "zh", name: str = "") -> str | None:
    """Say which communities a figure or table shows, when not all: None when all are.

    ``name`` is the community a ``near`` selection is centred on.

    Examples
    --------
    >>> scope_text(Shown(("a", "b"), 2))
    >>> scope_text(Shown(tuple("abcdefghijklmnopqrstu"), 2000, "near"), name="湘北社区")
    '湘北社区及排名与其相邻的20个社区（全区共2000个社区）'
    >>> scope_text(Shown(tuple("abcd"), 2000, "extremes"), lang="en")
    "the 2 best and 2 worst ranked of the zone's 2,000 communities"
    """
    check_lang(lang)
    if shown.whole:
        return None
    of = whole(shown.of, lang=lang)
    if shown.how == "near":
        return word("scope.near", lang=lang, name=name, n=len(shown.ids) - 1, of=of)
    half = len(shown.ids) // 2
    return word("scope.extremes", lang=lang, k=half, of=of)
