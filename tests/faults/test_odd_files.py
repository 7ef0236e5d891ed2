"""A CURRENT that cannot be read, and named pipes where index files belong: one line, no hang, rebuild cures."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from faultlib import SEEDS, run_cli

from msqa_search import IndexDamagedError, open_index
from msqa_search import store

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def current(root: Path) -> Path:
    return root / (root / "CURRENT").read_text(encoding="utf-8").strip()


def spoil_current(root: Path, kind: str) -> None:
    pointer = root / "CURRENT"
    if kind == "mode 000":
        pointer.chmod(0)
        return
    pointer.unlink()
    if kind == "symbolic link loop":
        pointer.symlink_to(root / "CURRENT")
    elif kind == "folder":
        pointer.mkdir()
        (pointer / "inside").write_text("x", encoding="utf-8")
    elif kind == "named pipe":
        os.mkfifo(pointer)


def assert_one_line_damage(result, root: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: the index at {root} is damaged (")
    assert result.stderr.count("\n") == 1


CURRENT_KINDS = [
    "symbolic link loop", "folder", "named pipe",
    pytest.param("mode 000", marks=pytest.mark.skipif(IS_ROOT, reason="root reads a mode 000 file")),
]


class TestUnreadableCurrent:
    """Every command gives the one-line damaged-index error, and --rebuild cures it."""

    @pytest.mark.parametrize("kind", CURRENT_KINDS)
    def test_commands_give_one_line(self, seed_index, kind):
        """search and stats on a spoilt CURRENT: exit 2, one line, no traceback, no hang."""
        spoil_current(seed_index, kind)
        for args in (("search", "botox"), ("stats",), ("show", "x#1")):
            assert_one_line_damage(run_cli(*args, "--index", seed_index, timeout=60), seed_index)

    @pytest.mark.slow  # CLI processes a case; the quick run keeps the in-process ones
    @pytest.mark.parametrize("kind", CURRENT_KINDS)
    def test_rebuild_cures_it(self, seed_index, kind):
        """`index --rebuild` replaces a spoilt CURRENT and the index answers again."""
        spoil_current(seed_index, kind)
        result = run_cli("index", "--rebuild", "--index", seed_index, SEEDS, timeout=120)
        assert (result.returncode, "Traceback" in result.stderr) == (0, False), result.stderr
        result = run_cli("search", "botox", "--index", seed_index, timeout=60)
        assert result.returncode == 0, result.stderr
        leftovers = sorted(p.name for p in seed_index.iterdir() if not p.name.startswith("gen-"))
        assert leftovers == ["CURRENT", "write.lock"]

    @pytest.mark.parametrize("kind", ["symbolic link loop", "named pipe"])
    def test_update_keeps_the_generations(self, seed_index, kind):
        """An update (not a rebuild) on a spoilt CURRENT fails in one line and deletes nothing."""
        generations = sorted(p.name for p in seed_index.glob("gen-*"))
        spoil_current(seed_index, kind)
        assert_one_line_damage(run_cli("index", "--index", seed_index, SEEDS, timeout=60), seed_index)
        assert sorted(p.name for p in seed_index.glob("gen-*")) == generations

    def test_io_error_reading_current(self, seed_index, monkeypatch):
        """An I/O error reading CURRENT is the damaged-index error, naming the reason."""
        original = store.read_regular

        def failing(path):
            if path.name == "CURRENT":
                raise OSError(errno.EIO, "Input/output error")
            return original(path)

        monkeypatch.setattr(store, "read_regular", failing)
        with pytest.raises(IndexDamagedError) as caught:
            open_index(seed_index)
        assert "CURRENT cannot be read: Input/output error" in str(caught.value)


class TestNamedPipes:
    """A named pipe in place of an index file never makes a reader wait."""

    @pytest.mark.parametrize("pattern", ["_MAIN_*.toc", "*.msqa-columns", "msqa-index.json", "words.msqa-vocabulary",
                                         "*.trm"])
    def test_reader_does_not_hang(self, seed_index, pattern):
        """search with a FIFO at the TOC, columns, meta, vocabulary or terms file: one line, at once."""
        target = next(current(seed_index).glob(pattern))
        target.unlink()
        os.mkfifo(target)
        result = run_cli("search", "botox", "--index", seed_index, timeout=60)
        assert_one_line_damage(result, seed_index)
        assert f"{target.name} is not a regular file" in result.stderr

    @pytest.mark.skipif(IS_ROOT, reason="root lists a mode 000 folder")
    def test_unreadable_generation_folder(self, seed_index):
        """A generation folder that cannot be listed: the one-line damaged-index error."""
        generation = current(seed_index)
        generation.chmod(0)
        try:
            assert_one_line_damage(run_cli("search", "botox", "--index", seed_index, timeout=60), seed_index)
        finally:
            generation.chmod(0o755)
