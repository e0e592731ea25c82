"""linli.inputs: the fingerprint of a build's inputs, taken before anything is loaded."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from linli import inputs


@pytest.fixture
def data(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "communities.csv").write_text("community_id,name_zh\na,甲\n", encoding="utf-8")
    (raw / "sub" / "volunteers.csv").write_text("volunteer_id\nv1\n", encoding="utf-8")
    (raw / "dataset.yaml").write_text("as_of: 2024-12-31\n", encoding="utf-8")
    return raw


def stamp(raw: Path, *, known: inputs.Inputs | None = None, key: bytes = b"k", year: int | None = None) -> inputs.Inputs:
    return inputs.fingerprint(raw, year=year, as_of=None, key=key, known=known)


def test_every_file_is_hashed_by_its_bytes(data: Path) -> None:
    first = stamp(data)
    assert sorted(first.files) == ["communities.csv", "dataset.yaml", "sub/volunteers.csv"]
    body = "community_id,name_zh\na,甲\n".encode()  # 21 + 6 = 27 bytes: "community_id,name_zh\n" is 21, "a,甲\n" is 6 (甲 is 3 bytes in UTF-8)
    assert first.files["communities.csv"][0] == len(body) == 27
    assert first.files["communities.csv"][2] == hashlib.sha256(body).hexdigest()
    assert stamp(data).fingerprint == first.fingerprint  # the same inputs, the same fingerprint


@pytest.mark.parametrize("change", ["bytes", "new file", "key", "year"])
def test_any_input_changes_the_fingerprint(data: Path, change: str) -> None:
    before = stamp(data).fingerprint
    if change == "bytes":
        (data / "communities.csv").write_text("community_id,name_zh\nb,乙\n", encoding="utf-8")  # same size
        after = stamp(data).fingerprint
    elif change == "new file":
        (data / "services.csv").write_text("service_id\n", encoding="utf-8")
        after = stamp(data).fingerprint
    elif change == "key":
        after = stamp(data, key=b"other").fingerprint
    else:
        after = stamp(data, year=2023).fingerprint
    assert after != before


def test_a_file_is_hashed_again_only_when_its_size_or_time_changes(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = stamp(data)
    hashed: list[str] = []
    real = inputs.file_sha256
    monkeypatch.setattr(inputs, "file_sha256", lambda p: hashed.append(p.name) or real(p))
    assert stamp(data, known=first).fingerprint == first.fingerprint and hashed == []
    # the same bytes written again: a new modification time, so it is read, and nothing changed
    path = data / "communities.csv"
    path.write_bytes(path.read_bytes())
    os.utime(path, ns=(first.files["communities.csv"][1] + 10**9,) * 2)
    assert stamp(data, known=first).fingerprint == first.fingerprint and hashed == ["communities.csv"]


def test_the_record_round_trips_and_a_broken_one_is_ignored(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = stamp(data)
    assert inputs.load_record(out, data, year=None, as_of=None) is None
    path = inputs.save_record(out, data, first, year=None, as_of=None, built={2024: "abc"})
    loaded = inputs.load_record(out, data, year=None, as_of=None)
    assert loaded == (first, {2024: "abc"})
    assert inputs.load_record(out, data, year=2023, as_of=None) is None  # another request, another record
    path.write_text("{not json", encoding="utf-8")
    assert inputs.load_record(out, data, year=None, as_of=None) is None
