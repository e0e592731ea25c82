"""Tests of linli.labels: one vocabulary, one column of words per language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pandas as pd
import pytest
import yaml

from linli import labels
from linli.errors import ContractError, LinliError

YAML = Path(labels.__file__).with_name("labels.yaml")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


#: Words whose languages say different things, on purpose: the fields the callers pass.
GRAMMAR = {
    "rank_kept_sentence": {"draws", "pct", "rank", "ordinal"},  # English writes the ordinal: "keep it 2nd"
    "legend_issuer": {"kind", "who"},  # the issuer's (Chinese) name only in Chinese
}


def test_every_language_of_a_key_takes_the_same_fields() -> None:
    # a translation that drops or renames a {field} would fail only when that text is shown
    for key, texts in labels.WORDS.items():
        fields = {lang: _fields(text) for lang, text in texts.items()}
        if key in GRAMMAR:
            assert all(f <= GRAMMAR[key] for f in fields.values()), (key, fields)
        else:
            assert len({frozenset(f) for f in fields.values()}) == 1, (key, fields)


def test_no_key_is_written_twice() -> None:
    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
        keys = [loader.construct_object(k) for k, _ in node.value]
        repeated = {k for k in keys if keys.count(k) > 1}
        assert not repeated, repeated  # yaml.safe_load would silently keep the last
        return dict(loader.construct_pairs(node))

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    assert yaml.load(YAML.read_text(encoding="utf-8"), Loader=Strict) == labels.WORDS  # a SafeLoader


def test_every_language_is_complete() -> None:
    for lang in labels.LANGS:
        assert labels.missing_words(lang) == [], lang
        assert lang in labels.HTML_LANG and lang in labels.THOUSANDS


def test_a_count_of_one_is_written_apart_where_the_language_does() -> None:
    assert labels.word("page.summary", lang="en", n=1, built=1, cached=0, failed=0) == (
        "1 report: 1 built, 0 up to date, 0 failed.")
    assert labels.word("page.summary", lang="en", n=2, built=1, cached=0, failed=1) == (
        "2 reports: 1 built, 0 up to date, 1 failed.")
    assert labels.word("page.on_disk", lang="en", n=0) == "This folder holds the reports of 0 units."
    assert labels.word("page.on_disk", lang="en", n=1) == "This folder holds the reports of 1 unit."
    assert labels.word("page.on_disk", n=1) == "本文件夹共有 1 个单位的报告。"  # Chinese writes one as any count
    for key, texts in labels.WORDS.items():  # a noun after a count is chosen by the count, never "(s)"
        assert not re.search(r"\{\w+\} \w+\((?:s|ies)\)", texts.get("en", "")), key


def test_one_language_check_for_everything() -> None:
    with pytest.raises(ContractError, match=r"^Unknown language 'fr'; valid: zh, en\.$"):
        labels.check_lang("fr")
    # every kind of caller goes through it: a word, a table name, a unit name
    for call in (lambda: labels.word("zone", lang="fr"), lambda: labels.table_label("population", lang="fr"),
                 lambda: labels.unit_names(None, lang="fr")):
        with pytest.raises(LinliError, match="Unknown language 'fr'"):
            call()


def test_unit_names_fall_back_to_chinese_then_to_the_id() -> None:
    units = pd.DataFrame({"community_id": ["a", "b", "c"], "name_zh": ["甲社区", "乙社区", None],
                          "name_en": ["Jia", None, None]})
    assert labels.unit_names(units, lang="en") == {"a": "Jia", "b": "乙社区", "c": "c"}
    assert labels.unit_names(units, lang="en", names={"c": "Third"})["c"] == "Third"


def test_ledger_words_come_from_the_contract_in_chinese() -> None:
    assert labels.table_label("survey_responses") == "居民满意度调查"
    assert labels.table_label("survey_responses", lang="en") == "Satisfaction survey"
    assert labels.column_label("mediation_cases", "geometry") == "几何"
    assert labels.rule_label("not_a_date") == "日期无法识别" and labels.rule_label("a_new_rule") == "a_new_rule"


def test_the_five_society_tables_note_spells_out_the_unit_of_its_changes() -> None:
    # The English five-society table wrote a change in a share as "+1.5 pp" and said nowhere what
    # pp is; its note now does, in both languages (27.1 − 25.6 = 1.5 percentage points).
    from linli.reporting.format import change_text

    assert change_text(25.6, 27.1, unit="%", lang="en") == "+1.5 pp"
    assert "percentage points (pp)" in labels.word("n_wushe", lang="en")
    assert change_text(25.6, 27.1, unit="%", lang="zh") == "+1.5个百分点"
    assert "百分点" in labels.word("n_wushe", lang="zh")
