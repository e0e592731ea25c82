"""linli on Windows: the calls POSIX alone has are never used without a fallback.

The hand-off is published under a lock. POSIX locks the folder with ``flock``; Windows
has no ``fcntl`` and cannot open a folder, so linli locks the first byte of a lock file
with ``msvcrt.locking``. This machine is not Windows: the test removes ``fcntl`` and
puts a stand-in ``msvcrt`` (with the real module's constants and call signature) in its
place, and checks the calls linli makes.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from linli import handoff


class FakeMsvcrt(types.ModuleType):
    """``msvcrt.locking`` that is busy on the first call, as when another build holds the lock."""

    LK_UNLCK = 0  # the values of the real module
    LK_LOCK = 1

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.calls: list[tuple[int, int]] = []
        self.busy = 1

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        import os

        self.calls.append((mode, nbytes))
        assert os.lseek(fd, 0, os.SEEK_CUR) == 0  # always the first byte
        if mode == self.LK_LOCK and self.busy:
            self.busy -= 1
            raise OSError(36, "Resource deadlock avoided")  # what LK_LOCK raises after its 10 s


def test_windows_lock_waits_holds_and_releases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` now fails, as on Windows
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    with handoff._locked(tmp_path):
        # busy once, then held: two lock attempts of one byte, no release yet
        assert fake.calls == [(fake.LK_LOCK, 1), (fake.LK_LOCK, 1)]
    assert fake.calls[-1] == (fake.LK_UNLCK, 1)
    assert (tmp_path / handoff.LOCK_FILE).is_file()


def test_windows_lock_is_released_when_publishing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMsvcrt()
    fake.busy = 0
    monkeypatch.setitem(sys.modules, "fcntl", None)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    with pytest.raises(RuntimeError, match="disk full"), handoff._locked(tmp_path):
        raise RuntimeError("disk full")
    assert fake.calls == [(fake.LK_LOCK, 1), (fake.LK_UNLCK, 1)]


def test_lock_file_is_hidden_from_the_manifest(tmp_path: Path) -> None:
    from linli.manifest import file_hashes

    (tmp_path / handoff.LOCK_FILE).write_bytes(b"")
    (tmp_path / "a.html").write_text("x", encoding="utf-8")
    assert list(file_hashes(tmp_path)) == ["a.html"]
