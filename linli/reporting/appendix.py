"""The end of a report: data quality, the published figures checked, the method and the provenance.

Data quality (:func:`quality_table`) is counted over the whole dataset; the claims
check (:func:`claims_table`, :func:`claims_html`) shows the published figures with
both numbers; :func:`method_text`, :func:`targets_table`, :func:`provenance_table` and
:func:`parameters_table` say how every figure was made and from what. Every word comes
from :mod:`linli.labels`.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .. import claims as claims_mod
from .. import versions
from ..errors import LinliError
from ..handoff import UnitSlice
from ..indicators import catalogue as catalogue_mod
from ..labels import (
    THOUSANDS,
    WORDS,
    check_lang,
    column_label,
    dimension_label,
    has_chinese,
    indicator_name,
    proper_name,
    romanised,
    rule_label,
    table_label,
    unit_label,
    unit_names,
    whole,
    word,
)
from ..progress import ProgressThresholds
from .format import (
    DASH,
    count_text,
    dataset_name,
    format_value,
    is_missing,
    reason_text,
    target_text,
)
from .render import note, to_html

__all__ = [
    "citation",
    "claims_html",
    "claims_note",
    "claims_table",
    "goalposts_table",
    "method_text",
    "parameters_table",
    "provenance_table",
    "quality_table",
    "targets_table",
]


def quality_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return rows read, loaded and quarantined per table, and the rules broken.

    Read from ``provenance`` (counts) and ``quarantine`` (rules, counted per table,
    column and rule, most frequent first, every reason named — never "other ×5"; a finding on rows
    that still load, such as a masked phone number, says so). Only rule and column
    labels are shown, never a quarantined value.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = quality_table(example_unit())
    >>> t.columns.tolist()
    ['数据表', '文件', '读入行数', '载入', '隔离', '隔离原因（次数）']
    >>> t.iloc[1].tolist()
    ['志愿者', 'volunteers.csv', '1440', '1438', '2', '注册日期：日期无法识别 ×2；电话：格式不符 ×1']
    >>> t.iloc[2, 1:].tolist()
    ['未提供（可选）', '—', '—', '—', '']
    """
    check_lang(lang)
    q = res.quarantine
    why: dict[str, str] = {}
    if len(q):
        q = q.assign(kept=q["outcome"].eq("loaded") if "outcome" in q.columns else False)
        counts = q.groupby(["table", "column", "rule", "kept"], sort=False).size().rename("n").reset_index()
        counts = counts.sort_values(["table", "n"], ascending=[True, False], kind="stable")
        sep = word("sep.items", lang=lang)
        for table, group in counts.groupby("table", sort=False):
            parts = []
            for row in group.itertuples(index=False):
                rule_text = rule_label(str(row.rule), lang=lang)
                if row.kept:
                    rule_text += word("quality.rows_loaded", lang=lang)
                col_label = column_label(str(table), str(row.column), lang=lang)
                shown = word("colon_pair", lang=lang, a=col_label, b=rule_text) if col_label else rule_text
                parts.append(shown + f" ×{row.n}")
            why[str(table)] = sep.join(parts)
    rows = []
    for r in res.provenance.itertuples(index=False):
        table = str(r.table)
        if str(r.status) == "absent":
            rows.append([table_label(table, lang=lang), word("absent", lang=lang), DASH, DASH, DASH, ""])
            continue
        rows.append([
            table_label(table, lang=lang), str(r.file),
            count_text(r.rows_read, lang), count_text(r.rows_loaded, lang), count_text(r.rows_quarantined, lang),
            why.get(table, ""),
        ])
    present = res.provenance[res.provenance["status"].astype(str) != "absent"]
    totals = [pd.to_numeric(present[c], errors="coerce").sum() for c in ("rows_read", "rows_loaded", "rows_quarantined")]
    rows.append([word("total", lang=lang), "", *(format_value(t, unit="count", lang=lang) for t in totals), ""])
    columns = [word(k, lang=lang) for k in ("table", "file", "rows_read", "rows_loaded", "rows_quarantined", "why")]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if frame.iloc[:, -1].astype(bool).any() else frame.iloc[:, :-1]


def claims_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return the published claims checked: the figure, year, both numbers, the verdict.

    In Chinese the first column quotes the published text; in English it names the
    indicator and the unit; a share's numbers carry their per cent sign. A claim that cannot
    be checked says why.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = claims_table(example_unit())
    >>> t.iloc[0].tolist()
    ['社区志愿者由原来的4275人增至6339人', '2022 → 2024', '4275 → 6339', '4275 → 6339', '一致']
    >>> claims_table(example_unit(), lang="en").iloc[1].tolist()
    ['Volunteers as a share of permanent residents, Model Street', '2024', '(19.7 ± 0.5)%', '25.5%', 'Disagrees']

    The published figure shows its comparison (:func:`_as_published`): ``≥ 40`` for a
    figure published as "more than 40" (40余), ``(19.7 ± 0.5)%`` for one compared within a
    tolerance.
    """
    check_lang(lang)
    c = res.claims
    names = unit_names(res.units, lang=lang)
    rows = []
    for r in c.itertuples(index=False):
        rd = r._asdict()
        published = rd.get(f"text_{lang}")  # the claim's own words, when given in this language
        if not is_missing(published) and str(published).strip():
            what = str(published)
        else:
            try:
                what = indicator_name(str(rd["indicator"]), lang=lang)
            except LinliError:
                what = str(rd["indicator"])
            what += word("sep.comma", lang=lang) + names.get(str(rd["unit_id"]), str(rd["unit_id"]))
        verdict = str(rd["verdict"])
        text = word(verdict, lang=lang) if verdict in WORDS else verdict
        if verdict == "cannot_check":
            why = reason_text(rd.get("reason"), lang=lang, names=names)
            if why:
                text += word("in_brackets", lang=lang, text=why)
        unit = _claim_unit(str(rd["indicator"]))
        observed = _grouped(str(rd.get("observed") or ""), lang, unit=unit) or DASH
        claimed = _as_published(str(rd["claimed"]), str(rd.get("comparison") or "eq"),
                                _text(rd.get("tolerance")), lang, unit=unit)
        rows.append([what, str(rd["year"]), claimed, observed, text])
    columns = [word(k, lang=lang) for k in ("statement", "year", "claimed", "observed", "verdict")]
    return pd.DataFrame(rows, columns=columns)


#: A whole number of four digits or more, not part of a decimal fraction.
_WHOLE = re.compile(r"(?<![\d.,])\d{4,}(?!\d)")


def _claim_unit(indicator: str) -> str | None:
    """The unit of a claim's indicator (``%``), None when it is not in the catalogue."""
    found = [i.unit.zh for i in catalogue_mod.load().indicators if i.id == indicator]
    return found[0] if found else None


#: A number of a claim's value (``19.7``, ``4,275``).
_NUMBER = re.compile(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?(?![\d.,%])")


def _grouped(text: str, lang: str, *, unit: str | None = None) -> str:
    """The whole numbers of a claim's value with the language's thousands separator, as the
    other tables write them: ``4275 → 6339`` is ``4,275 → 6,339`` in English; a share's numbers
    (``unit`` ``%``) with their per cent sign, as the other tables write a share: ``19.7%``.

    >>> _grouped("4275 → 6339", "en"), _grouped("1038.25", "en"), _grouped("4275", "zh")
    ('4,275 → 6,339', '1,038.25', '4275')
    >>> _grouped("19.7", "en", unit="%"), _grouped("17.5 → 18", "zh", unit="%"), _grouped("18", "zh", unit="人")
    ('19.7%', '17.5% → 18%', '18')
    """
    sep = THOUSANDS[lang]
    text = _WHOLE.sub(lambda m: f"{int(m.group()):,}".replace(",", sep), text) if sep else text
    return _NUMBER.sub(r"\g<0>%", text) if unit == "%" else text


def _text(value: Any) -> str:
    """A cell of the claims table as text: "" for a missing one (a hand-off written before the column)."""
    return "" if is_missing(value) else str(value).strip()


def _as_published(claimed: str, comparison: str, tolerance: str, lang: str, *, unit: str | None = None) -> str:
    """A claim's published figure with its comparison, each end of a growth claim alike.

    ``at_least`` (a figure published as "more than": 40余, 千余) reads ``≥ 40``; ``approx``
    with its own tolerance ``18 ± 1`` — a share ``(18 ± 1)%``, the tolerance in percentage
    points — and without one ``≈ 20``; ``eq`` the figure alone. Numbers as :func:`_grouped`.

    >>> _as_published("1000", "at_least", "", "en"), _as_published("17 → 40", "at_least", "", "zh")
    ('≥ 1,000', '≥ 17 → ≥ 40')
    >>> _as_published("19.7", "approx", "0.5", "zh", unit="%"), _as_published("20", "approx", "", "en", unit="%")
    ('(19.7 ± 0.5)%', '≈ 20%')
    >>> _as_published("4275", "approx", "100", "en"), _as_published("19.7", "eq", "", "en", unit="%")
    ('4,275 ± 100', '19.7%')
    """
    ends = claimed.split(" → ")
    if comparison == "at_least":
        ends = [f"≥ {_grouped(e, lang, unit=unit)}" for e in ends]
    elif comparison == "approx" and tolerance:
        band = [f"{_grouped(e, lang)} ± {_grouped(tolerance, lang)}" for e in ends]
        ends = [f"({b})%" for b in band] if unit == "%" else band
    elif comparison == "approx":
        ends = [f"≈ {_grouped(e, lang, unit=unit)}" for e in ends]
    else:
        ends = [_grouped(e, lang, unit=unit) for e in ends]
    return " → ".join(ends)


def claims_note(claims: pd.DataFrame, *, lang: str = "zh") -> str:
    """Return the note under the claims table: whose figures they are and what "agrees" means
    for each comparison the table uses.

    The source is the publisher the claims file gives (in English its ``publisher_en``, else
    the name with its pinyin, as :func:`citation` writes it), several joined, "the press" when
    none is given. The rules: a figure alone
    agrees at its published precision; ``≥`` (published as "more than") when the data are at
    least the figure; ``±`` within that tolerance; ``≈`` within 5 % of the figure.

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> claims_note(example_unit().claims, lang="en")
    'Figures published in Model Daily, checked against these data. When a figure “agrees”: a plain figure equals the data rounded to its published precision (a count, exactly); the data lie within the tolerance after “±” (for a share, in percentage points).'
    """
    check_lang(lang)
    names: list[str] = []
    for zh, en in zip(claims.get("source", pd.Series(dtype=str)).map(_text),
                      claims.get("source_en", pd.Series("", index=claims.index)).map(_text), strict=False):
        if not zh:
            continue
        name = zh if lang == "zh" else (en or proper_name(zh, lang=lang))
        if lang == "zh" and has_chinese(name) and not name.startswith("《"):
            name = f"《{name}》"
        if name not in names:
            names.append(name)
    source = (word("n_claims.source", lang=lang, names=word("sep.list", lang=lang).join(names)) if names
              else word("n_claims.press", lang=lang))
    tolerances = claims.get("tolerance", pd.Series("", index=claims.index)).map(_text)
    kinds = {"approx_default" if comparison == "approx" and not tolerance else comparison or "eq"
             for comparison, tolerance in zip(claims.get("comparison", pd.Series(dtype=str)).map(_text), tolerances,
                                              strict=False)}
    order = ("eq", "at_least", "approx", "approx_default")
    pct = f"{claims_mod.APPROX_RELATIVE * 100:g}"
    rules = [word(f"n_claims.{k}", lang=lang, pct=pct) for k in order if k in kinds]
    return word("n_claims", lang=lang, source=source, rules=word("sep.items", lang=lang).join(rules))


def claims_html(res: UnitSlice, *, lang: str = "zh") -> str:
    """Return the claims section's body: the checked figures with their note, a note that
    there is nothing to check, or — when the claims file could not be read — why.

    Examples
    --------
    >>> import dataclasses
    >>> from linli.testing import example_unit
    >>> res = example_unit()
    >>> bad = dataclasses.replace(res, meta={**res.meta, "claims_error": "published_claims.yaml: not valid YAML (line 3)"},
    ...                           claims=res.claims.iloc[0:0])
    >>> claims_html(bad, lang="en")
    '<p class="linli-note">The published-figures file published_claims.yaml could not be read, so no figure was checked (the rest of the report is unaffected). Why: published_claims.yaml: not valid YAML (line 3)</p>'
    """
    check_lang(lang)
    reason = res.meta.get("claims_error")
    if not is_missing(reason) and str(reason):
        return note("n_claims_unreadable", lang=lang, reason=str(reason))
    return to_html(claims_table(res, lang=lang), note=claims_note(res.claims, lang=lang),
                   empty=word("n_claims_none", lang=lang))


def provenance_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return every input file with its table, SHA-256 (first 12 hex digits) and rows loaded;
    a ledger kept in a file per year lists its files and their digests, ``; ``-separated.

    Examples
    --------
    >>> import dataclasses
    >>> from linli.testing import example_unit
    >>> res = example_unit()
    >>> provenance_table(res).iloc[0].tolist()
    ['社区', 'communities.csv', '5e09d7f38cb3', '4']
    >>> per_year = res.provenance.assign(file="2023年社区.csv; 2024年社区.csv", sha256="a" * 64 + "; " + "b" * 64)
    >>> provenance_table(dataclasses.replace(res, provenance=per_year)).iloc[0, 1:3].tolist()
    ['2023年社区.csv; 2024年社区.csv', 'aaaaaaaaaaaa; bbbbbbbbbbbb']
    """
    check_lang(lang)
    rows = []
    for r in res.provenance.itertuples(index=False):
        if str(r.status) == "absent":
            rows.append([table_label(str(r.table), lang=lang), word("absent", lang=lang), DASH, DASH])
            continue
        rows.append([table_label(str(r.table), lang=lang), str(r.file), "; ".join(h[:12] for h in str(r.sha256).split("; ")),
                     count_text(r.rows_loaded, lang)])
    return pd.DataFrame(rows, columns=[word(k, lang=lang) for k in ("table", "file", "sha256", "rows")])


def parameters_table(res: UnitSlice, *, lang: str = "zh") -> pd.DataFrame:
    """Return the parameters a reader needs to reproduce the report.

    Year, baseline, as-of date, dataset, synthetic flag, linli version, input
    fingerprint, catalogue version, the index's normalisation, aggregation, weights
    and Monte Carlo settings, the progress thresholds, and the versions of the
    software that computed the numbers (recorded by the build) and drew and printed
    the report (this process's).

    Examples
    --------
    >>> from linli.testing import example_unit
    >>> t = parameters_table(example_unit(), lang="en")
    >>> t.iloc[6].tolist()
    ['Input fingerprint (SHA-256)', '1a37845619e09ca0…']
    """
    check_lang(lang)
    meta = res.meta
    cat = catalogue_mod.load()
    s = cat.index_settings
    mc = s.monte_carlo
    th = ProgressThresholds()
    listed = word("sep.list", lang=lang).join
    equal = len(set(s.weights.values())) == 1
    weight_text = word("param.equal", lang=lang) if equal else listed(
        f"{dimension_label(d, lang=lang)} {w:g}" for d, w in s.weights.items())
    fingerprint = str(meta.get("fingerprint", ""))
    items = [
        ("year", str(res.year)),
        ("baseline", str(res.baseline_year)),
        ("as_of", str(meta.get("as_of", DASH))),
        ("dataset", dataset_name(meta, lang)),
        ("synthetic", word("yes" if res.synthetic else "no", lang=lang)),
        ("version", str(meta.get("linli_version", DASH))),
        ("fingerprint", f"{fingerprint[:16]}…" if fingerprint else DASH),
        ("catalogue", word("param.catalogue_value", lang=lang, version=cat.version, n=len(cat.indicators))),
        ("normalisation", word(f"method.{s.normalisation}", lang=lang)),
        ("aggregation", word(f"method.{s.aggregation}", lang=lang)),
        ("weights", weight_text),
        ("monte_carlo", word("param.monte_carlo_value", lang=lang, draws=whole(mc.draws, lang=lang), seed=mc.seed,
                             normalisations=listed(word(f"method.{n}", lang=lang) for n in s.normalisations),
                             aggregations=listed(word(f"method.{a}", lang=lang) for a in s.aggregations),
                             jitter=f"{mc.weight_perturbation * 100:g}")),
        ("thresholds_target", f"{th.ratio_substantial:g} / {th.ratio_moderate:g} / {th.ratio_limited:g}"),
        ("thresholds_cagr", f"{th.cagr_substantial * 100:g}% / {th.cagr_moderate * 100:g}% / {th.cagr_limited * 100:g}%"),
        ("software_numbers", _versions_text(meta.get("versions"))),
        ("software_rendering", _versions_text(versions.rendering_versions())),
    ]
    return pd.DataFrame([[word(f"param.{k}", lang=lang), v] for k, v in items],
                        columns=[word("parameter", lang=lang), word("value", lang=lang)])


def _versions_text(found: Any) -> str:
    """``numpy 2.3.4, pandas 2.3.3, …``; a dash when the hand-off recorded none."""
    if not isinstance(found, dict) or not found:
        return DASH
    return ", ".join(f"{name} {version}" for name, version in found.items())


def targets_table(*, lang: str = "zh") -> pd.DataFrame:
    """Return the catalogue's targets and benchmarks with their checked sources.

    Examples
    --------
    >>> t = targets_table(lang="en")
    >>> t.iloc[0, :3].tolist()
    ['Mediation success rate', '≥ 96.0%', 'benchmark']
    """
    check_lang(lang)
    rows = []
    for ind in catalogue_mod.load().indicators:
        t = ind.target
        if t is None:
            continue
        rows.append([indicator_name(ind.id, lang=lang),
                     target_text(ind, lang=lang),
                     word(t.kind, lang=lang), citation(t.source, lang=lang)])
    return pd.DataFrame(rows, columns=[word(k, lang=lang) for k in ("indicator", "target_col", "kind", "source")])


def goalposts_table(*, lang: str = "zh") -> pd.DataFrame:
    """Return every scored indicator's goalposts: the values that score 0 and 100, so that a
    reader can recompute any score in the report (the method section says how).

    Examples
    --------
    >>> t = goalposts_table(lang="en")
    >>> t[t["Indicator"] == "Social organisations per 10,000 permanent residents"].iloc[0, 2:].tolist()
    ['per 10k', 'Higher is better', '0', '29']
    """
    check_lang(lang)
    cat = catalogue_mod.load()
    rows = [[dimension_label(ind.dimension, lang=lang), indicator_name(ind.id, lang=lang),
             unit_label(ind.id, lang=lang), word(f"direction.{ind.direction}", lang=lang),
             _goalpost(ind.goalposts.lo, lang), _goalpost(ind.goalposts.hi, lang)]
            for ind in cat.scored if ind.goalposts is not None]
    return pd.DataFrame(rows, columns=[word(f"goalposts.{k}", lang=lang)
                                       for k in ("dimension", "indicator", "unit", "direction", "lo", "hi")])


def _goalpost(value: float, lang: str) -> str:
    """A goalpost as the catalogue gives it: ``29``, ``0.5`` (``1,000`` in English)."""
    return whole(value, lang=lang) if float(value).is_integer() else f"{float(value):g}"


def citation(src: catalogue_mod.Source, *, lang: str = "zh") -> str:
    """Return a checked source as a report cites it: title, issuer, year and quote.

    In another language than Chinese a source written in Chinese is cited in its
    translation (the catalogue's ``title_en``, ``issuer_en``, ``quote_en``), each
    followed by the original in square brackets; without a translation the original
    stands with its pinyin.

    Examples
    --------
    >>> src = catalogue_mod.Source("《规划》", "某部", 2021, "大于30平方米", title_en="The Plan",
    ...                            issuer_en="A Ministry", quote_en="more than 30 m²")
    >>> citation(src)
    '《规划》，某部（2021）：“大于30平方米”'
    >>> citation(src, lang="en")
    'The Plan [《规划》], A Ministry [某部] (2021): “more than 30 m²” [“大于30平方米”]'
    """
    check_lang(lang)

    def part(text: str | None, english: str | None) -> str:
        if not text:
            return ""
        if lang == "zh" or not has_chinese(text):
            return text
        return f"{english} [{text}]" if english else proper_name(text, lang=lang)

    cite = part(src.title, src.title_en)
    if src.issuer and src.issuer not in src.title:
        cite += word("sep.comma", lang=lang) + part(src.issuer, src.issuer_en)
    if src.year and str(src.year) not in src.title:
        cite += word("in_brackets", lang=lang, text=src.year)
    if src.quote:
        if lang == "zh" or not has_chinese(src.quote):
            cite += word("quote", lang=lang, text=src.quote)
        elif src.quote_en:
            cite += word("quote", lang=lang, text=src.quote_en) + f" [“{src.quote}”]"
        else:
            cite += word("quote", lang=lang, text=src.quote) + f" ({romanised(src.quote)})"
    return cite


def method_text(*, lang: str = "zh") -> str:
    """Return how the figures are made, as plain-text bullet points (no formulas to typeset).

    Goalposts, equal weights, the Monte Carlo settings (from the catalogue), the
    progress thresholds (:class:`linli.progress.ProgressThresholds`) and the
    satisfaction intervals.

    Examples
    --------
    >>> "1000次" in method_text() and "Wilson" in method_text(lang="en")
    True
    """
    check_lang(lang)
    cat = catalogue_mod.load()
    s = cat.index_settings
    mc = s.monte_carlo
    th = ProgressThresholds()
    n_scored = len(cat.scored)
    jitter = f"{mc.weight_perturbation * 100:g}"
    numbers = {
        "n_indicators": len(cat.indicators), "n_scored": n_scored, "draws": whole(mc.draws, lang=lang), "seed": mc.seed,
        "jitter": jitter, "bootstrap": whole(mc.bootstrap, lang=lang),
        "ratio_substantial": f"{th.ratio_substantial:g}", "ratio_moderate": f"{th.ratio_moderate:g}",
        "ratio_limited": f"{th.ratio_limited:g}", "cagr_substantial": f"{th.cagr_substantial * 100:g}",
        "cagr_moderate": f"{th.cagr_moderate * 100:g}",
    }
    keys = ("indicators", "size_free", "normalisation", "index", "uncertainty", "sensitivity", "progress",
            "satisfaction", "claims", "privacy")
    return "\n".join(f"- {word(f'method.{key}', lang=lang, **numbers)}" for key in keys)
