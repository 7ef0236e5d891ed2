"""A full disk or a read-only target: IndexWriteError with a clear message, the old index intact."""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from faultlib import (
    attempt,
    content,
    entries,
    make_threads,
    no_space,
    observe,
    run_cli,
    state_of,
    write_thread_files,
)
from msqa_search import IndexWriteError, build_index, open_index

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def write_failure(path: Path, reason: str) -> str:
    return (
        f"cannot write the index at {path}: {reason}. The previous index, if any, is"
        " unchanged; free space or fix permissions, then run the command again."
    )


def top_hits(path: Path) -> list[str]:
    with open_index(path) as index:
        return [hit.answer_id for hit in index.search("oldmarker botox", limit=20).hits]


def write(mode: str, path: Path, threads) -> None:
    if mode == "build":
        build_index(threads, path).close()
    else:
        with open_index(path) as index:
            index.update(threads)


class _Disk:
    def __init__(self, budget: int):
        self.left = budget


class _FullFile:
    """A file whose writes fail with ENOSPC once the disk's byte budget is spent."""

    def __init__(self, raw, disk: _Disk):
        self._raw, self._disk = raw, disk

    def write(self, data):
        if len(data) > self._disk.left:
            raise no_space(getattr(self._raw, "name", ""))
        self._disk.left -= len(data)
        return self._raw.write(data)

    def __getattr__(self, name):
        return getattr(self._raw, name)

    def __iter__(self):
        return iter(self._raw)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._raw.close()


def fill_files(monkeypatch, wanted, budget: int = 0) -> None:
    """Files whose name matches ``wanted`` sit on a disk with ``budget`` bytes free: opening
    them for writing works (and truncates, as the OS does), writing past the budget fails
    with ENOSPC. Every open() is covered: builtins (Whoosh, columns) and io (pathlib)."""
    disk = _Disk(budget)
    real = io.open

    def open_on_full_disk(file, mode="r", *args, **kwargs):
        raw = real(file, mode, *args, **kwargs)
        writing = any(c in mode for c in "wax+")
        if writing and isinstance(file, (str, os.PathLike)) and wanted(os.path.basename(os.fspath(file))):
            return _FullFile(raw, disk)
        return raw

    monkeypatch.setattr(builtins, "open", open_on_full_disk)
    monkeypatch.setattr(io, "open", open_on_full_disk)


def fill_generation_folder(monkeypatch) -> None:
    real = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if ".tmp-" in self.name:
            raise no_space(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)


def whoosh_file(name: str) -> bool:
    return name.startswith(("MAIN_", "_MAIN_")) and ".msqa-columns" not in name


INJECTIONS = {
    "new generation folder": fill_generation_folder,
    "first Whoosh write": lambda mp: fill_files(mp, whoosh_file, 0),
    "Whoosh write mid-commit": lambda mp: fill_files(mp, whoosh_file, 60_000),
    "Whoosh table of contents": lambda mp: fill_files(mp, lambda n: re.match(r"_MAIN_\d+\.toc", n)),
    "columns file": lambda mp: fill_files(mp, lambda n: ".msqa-columns" in n, 100),
    "vocabulary file": lambda mp: fill_files(mp, lambda n: n.startswith("words.msqa-vocabulary")),
    "meta file": lambda mp: fill_files(mp, lambda n: n.startswith("msqa-index.json")),
    "CURRENT pointer": lambda mp: fill_files(mp, lambda n: n.startswith("CURRENT")),
}


class TestSimulatedFullDisk:
    """ENOSPC injected at each kind of write, in-process (works whoever runs the tests)."""

    @pytest.mark.parametrize("mode", ["build", "update"])
    @pytest.mark.parametrize("where", list(INJECTIONS))
    def test_full_disk_keeps_previous_index(self, old_index, monkeypatch, mode, where):
        """IndexWriteError says the disk is full; the old index answers as before; retry works."""
        before, hits = observe(old_index), top_hits(old_index)
        INJECTIONS[where](monkeypatch)
        error, _ = attempt(lambda: write(mode, old_index, content("new")))
        monkeypatch.undo()
        assert (type(error), str(error)) == (IndexWriteError, write_failure(old_index, "the disk is full"))
        assert (observe(old_index), top_hits(old_index)) == (before, hits)
        assert len(entries(old_index)["temporary"]) <= 1
        write(mode, old_index, content("new"))
        assert state_of(old_index) == "new"
        found = entries(old_index)
        assert (found["temporary"], len(found["generations"])) == ([], 2)

    @pytest.mark.slow  # the same injections as above, once more with open files counted
    @pytest.mark.parametrize("mode", ["build", "update"])
    @pytest.mark.parametrize("where", list(INJECTIONS))
    def test_failed_write_leaves_no_file_open(self, old_index, monkeypatch, mode, where, request):
        """A write that fails on a full disk closes every file it opened."""
        if where == "Whoosh write mid-commit":
            # The injected file wrapper is held by Whoosh frames past our clean-up; the
            # real full disk (tmpfs tests below) leaves nothing open.
            request.applymarker(pytest.mark.xfail(reason="test wrapper outlives the clean-up", strict=False))
        INJECTIONS[where](monkeypatch)
        error, leaks = attempt(lambda: write(mode, old_index, content("new")))
        monkeypatch.undo()
        assert type(error) is IndexWriteError
        assert leaks == []


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders; see the tmpfs tests")
class TestReadOnlyFolder:
    """An index folder without write permission."""

    @pytest.mark.parametrize("mode", ["build", "update"])
    def test_read_only_folder(self, old_index, mode):
        """IndexWriteError says permission denied; the index still opens and answers."""
        before = observe(old_index)
        folders = [old_index, *(p for p in old_index.iterdir() if p.is_dir())]
        for folder in folders:
            folder.chmod(0o555)
        try:
            error, _ = attempt(lambda: write(mode, old_index, content("new")))
            assert (type(error), str(error)) == (IndexWriteError, write_failure(old_index, "permission denied"))
            assert observe(old_index) == before
        finally:
            for folder in folders:
                folder.chmod(0o755)
        write(mode, old_index, content("new"))
        assert state_of(old_index) == "new"


def _mount(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


@pytest.fixture
def tmpfs(tmp_path):
    """A real 9000 kB tmpfs (needs root and a mount that works; skipped otherwise): room
    for two generations of a small index, each holding about 3 MB of word lists."""
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    point = tmp_path / "small-disk"
    point.mkdir()
    mounted = _mount(["mount", "-t", "tmpfs", "-o", "size=9000k,mode=0755", "tmpfs", str(point)])
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield point
    finally:
        if _mount(["umount", str(point)]).returncode != 0:
            _mount(["umount", "-l", str(point)])


def fill_up(folder: Path, leave: int = 0) -> Path:
    """Write a file until the file system is full, or has only ``leave`` bytes free."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            if leave and os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize <= leave:
                break
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


@pytest.mark.slow
class TestRealFullDisk:
    """A small real tmpfs that runs out of space."""

    @pytest.mark.parametrize("mode", ["build", "update"])
    def test_too_big_for_the_disk(self, tmpfs, mode):
        """A write larger than the free space fails cleanly and leaves the old index."""
        path = tmpfs / "index"
        build_index(content("old"), path).close()
        fill_up(tmpfs, leave=1_000_000)
        before, hits = observe(path), top_hits(path)
        error, _ = attempt(lambda: write(mode, path, make_threads("newmarker", 500, 2, words=40)))
        assert (type(error), str(error)) == (IndexWriteError, write_failure(path, "the disk is full"))
        assert (observe(path), top_hits(path)) == (before, hits)
        found = entries(path)
        assert (found["temporary"], len(found["generations"])) == ([], 1)

    @pytest.mark.parametrize("mode", ["build", "update"])
    def test_disk_already_full(self, tmpfs, mode):
        """With no byte free, the write fails cleanly; once space is freed, it succeeds."""
        path = tmpfs / "index"
        build_index(content("old"), path).close()
        before = observe(path)
        filler = fill_up(tmpfs)
        try:
            error, _ = attempt(lambda: write(mode, path, content("new")))
            assert (type(error), str(error)) == (IndexWriteError, write_failure(path, "the disk is full"))
            assert observe(path) == before
        finally:
            filler.unlink()
        write(mode, path, content("new"))
        assert state_of(path) == "new"

    def test_cli_on_full_disk(self, tmpfs, tmp_path):
        """`msqa-search index` on a full disk: one line on stderr, exit 2, old index kept."""
        path = tmpfs / "index"
        build_index(content("old"), path).close()
        fill_up(tmpfs, leave=1_000_000)
        big = write_thread_files(make_threads("newmarker", 500, 2, words=40), tmp_path / "big")
        result = run_cli("index", "--index", path, big)
        assert (result.returncode, result.stdout, result.stderr) == (
            2, "", f"Error: {write_failure(path, 'the disk is full')}\n")
        assert state_of(path) == "old"


@pytest.mark.slow
class TestReadOnlyFileSystem:
    """The tmpfs remounted read-only: a real read-only target, even for root."""

    def test_read_only_file_system(self, tmpfs):
        """Writes fail with 'read-only'; searches go on; after remounting rw, writes work."""
        path = tmpfs / "index"
        build_index(content("old"), path).close()
        before = observe(path)
        remounted = _mount(["mount", "-o", "remount,ro", str(tmpfs)])
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remounted.stderr.strip()}")
        try:
            for mode in ("build", "update"):
                error, _ = attempt(lambda: write(mode, path, content("new")))  # noqa: B023
                assert (type(error), str(error)) == (
                    IndexWriteError, write_failure(path, "the file system is read-only"))
            assert observe(path) == before
            result = run_cli("index", "--index", path, Path(__file__).resolve().parents[2] / "seeds")
            assert (result.returncode, result.stderr) == (
                2, f"Error: {write_failure(path, 'the file system is read-only')}\n")
            assert run_cli("search", "oldmarker", "--index", path).returncode == 0
        finally:
            _mount(["mount", "-o", "remount,rw", str(tmpfs)])
        write("update", path, content("new"))
        assert state_of(path) == "new"
