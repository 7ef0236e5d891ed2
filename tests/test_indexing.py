"""index_threads: one call that builds or updates an index, and the summary it returns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from msqa_search import (
    IndexSummary,
    NothingToIndexError,
    Problem,
    SearchOptionError,
    index_threads,
    open_index,
)
from msqa_search import errors

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


class TestIndexThreads:
    def test_builds_then_updates(self, tmp_path, threads):
        """Without an index at the path it builds one; then the same files update it, unchanged."""
        target = tmp_path / "index"
        built = index_threads([SEEDS], target)
        again = index_threads([SEEDS], target)
        answers = sum(len(t.answers) for t in threads)
        files = len(list(SEEDS.glob("*.txt")))
        assert IndexSummary(path=str(target), built=True, files=files, threads_added=len(threads),
                            answers_added=answers) == built
        assert IndexSummary(path=str(target), built=False, files=files,
                            threads_unchanged=len(threads)) == again
        with open_index(target) as index:
            assert answers == index.stats().answers

    def test_rebuild_and_records(self, tmp_path, threads):
        """rebuild=True builds anew over an index; Thread records are indexed as given."""
        target = tmp_path / "index"
        index_threads(threads, target)
        summary = index_threads(threads[:1], target, rebuild=True)
        assert (True, 0, 1) == (summary.built, summary.files, summary.threads_added)
        with open_index(target) as index:
            assert 1 == index.stats().threads

    def test_prune_drops_threads_whose_file_is_gone(self, tmp_path):
        """prune=True removes the threads whose file no longer exists."""
        folder = tmp_path / "threads"
        shutil.copytree(SEEDS, folder)
        target = tmp_path / "index"
        index_threads([folder], target)
        gone = sorted(folder.glob("*.txt"))[0]
        gone.unlink()
        summary = index_threads([], target, prune=True)
        assert (False, 1) == (summary.built, summary.threads_removed)

    def test_skipped_files_are_problems(self, tmp_path):
        """A file that is not a thread is reported and counted; the others are indexed."""
        folder = tmp_path / "threads"
        shutil.copytree(SEEDS, folder)
        (folder / "empty.txt").write_text("", encoding="utf-8")
        seen: list[Problem] = []
        summary = index_threads([folder], tmp_path / "index", on_problem=seen.append)
        assert [str(folder / "empty.txt")] == [p.path for p in summary.problems] == [p.path for p in seen]

    def test_nothing_readable(self, tmp_path):
        """Files that hold no thread: NothingToIndexError, and no index is written."""
        (tmp_path / "empty.txt").write_text("", encoding="utf-8")
        with pytest.raises(NothingToIndexError) as info:
            index_threads([tmp_path / "empty.txt"], tmp_path / "index")
        assert (f"no thread could be read: 1 file found, 1 skipped; the index at {tmp_path / 'index'} is unchanged",
                False) == (str(info.value), (tmp_path / "index").exists())

    def test_prune_with_rebuild(self, tmp_path):
        """prune and rebuild together are an option error."""
        with pytest.raises(SearchOptionError):
            index_threads([SEEDS], tmp_path / "index", rebuild=True, prune=True)


class TestLibraryMessages:
    @pytest.mark.parametrize("text", [errors.rebuild_hint("IX"), errors.build_hint("IX"), errors.FOLDER_HINT])
    def test_hints_name_no_command(self, text):
        """The library's hints name library calls, never a command or an option of the CLI."""
        assert ("msqa-search" not in text, "--" not in text) == (True, True)
