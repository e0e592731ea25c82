"""Pseudonyms, redaction and small-cell suppression."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pandas as pd
import pytest

from linli import privacy
from linli.errors import ContractError


def test_key_file_created_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINLI_KEY", raising=False)
    path = tmp_path / "data" / ".linli_key"
    first = privacy.load_key(key_file=path)
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    assert privacy.load_key(key_file=path) == first
    assert len(first) == 64  # 32 random bytes as hex


def test_environment_key_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_KEY", "from-env")
    assert privacy.load_key(key_file=tmp_path / "k") == b"from-env"
    assert not (tmp_path / "k").exists()


def test_pseudonymise_is_keyed_consistent_and_keeps_missing() -> None:
    ids = pd.Series(["V1", "V2", "V1", None])
    a = privacy.pseudonymise(ids, b"one")
    b = privacy.pseudonymise(ids, b"two")
    assert a[0] == a[2] != a[1] and pd.isna(a[3])
    assert a[0] != b[0]
    assert not a.dropna().isin(["V1", "V2"]).any()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13912345678", "电话***"),
        ("+86 139 1234 5678", "***"),
        ("身份证 43040319520202123X 已登记", "身份证 *** 已登记"),
        ("旧证 430403520202123", "旧证 ***"),
        ("固话 0734-8123456", "固话 ***"),
        ("受理日期 2024-03-05, 12 人", "受理日期 2024-03-05, 12 人"),  # dates and small numbers stay
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert privacy.redact(text) == expected


def test_suppress_small_counts() -> None:
    # 0 stays (no one), 1-4 are hidden, 5 and over stay
    out = privacy.suppress_small(pd.Series([0, 1, 4, 5, 9]))
    assert out.isna().tolist() == [False, True, True, False, False]


def _digest(text: str, key: bytes) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:8]


def test_mask_speaks_the_reader_s_language() -> None:
    # "张小明" is 3 characters of text; "139 1234 5678" 13 characters of digits and spaces;
    # the hash part is the first 8 hex digits of HMAC-SHA256 under the key, in both languages
    name, phone = _digest("张小明", b"k"), _digest("139 1234 5678", b"k")
    assert privacy.mask("张小明", b"k", lang="zh") == f"‹文字，3 字› #{name}"
    assert privacy.mask("张小明", b"k", lang="en") == f"‹text, 3 chars› #{name}"
    assert privacy.mask("139 1234 5678", b"k", lang="zh") == f"‹数字，13 位› #{phone}"
    assert privacy.mask("139 1234 5678", b"k", lang="en") == f"‹digits, 13 chars› #{phone}"
    assert privacy.mask("张小明", b"k") == privacy.mask("张小明", b"k", lang="zh")  # Chinese is linli's default
    for lang in ("zh", "en"):
        assert "张" not in privacy.mask("张小明", b"k", lang=lang)
        assert "1234" not in privacy.mask("139 1234 5678", b"k", lang=lang)


def test_masks_of_many_values_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # the hashes of many values are made in one batch, half by a helper process past
    # _hmac.SPLIT values (lowered here to 3): each mask is still the first 8 hex digits of
    # HMAC-SHA256 under the key, after the kind and length of the value in each language
    from linli import _hmac

    monkeypatch.setattr(_hmac, "SPLIT", 3)
    values = ["张小明", "139 1234 5678", "", "+86-139", "a-b", "V0001"]
    got = privacy.masks(values, b"k", langs=("zh", "en"))
    kinds = ["text", "digits", "text", "digits", "text", "text"]  # digits: only 0-9, spaces, + and - and one digit
    words = {"zh": {"text": "‹文字，{} 字›", "digits": "‹数字，{} 位›"}, "en": {"text": "‹text, {} chars›",
                                                                          "digits": "‹digits, {} chars›"}}
    for lang in ("zh", "en"):
        assert got[lang] == [f"{words[lang][k].format(len(v))} #{_digest(v, b'k')}" for v, k in zip(values, kinds,
                                                                                                    strict=True)]
    assert privacy.masks([], b"k", langs=("en",)) == {"en": []}
    with pytest.raises(ContractError, match="'fr'; valid: zh, en"):
        privacy.masks(["x"], b"k", langs=("zh", "fr"))


def test_mask_refuses_a_language_it_does_not_speak() -> None:
    with pytest.raises(ContractError, match="'fr'; valid: zh, en"):
        privacy.mask("x", b"k", lang="fr")
