"""Corpora someone else prepared: nothing in the corpus folder runs, odd names do not end a build."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from faultlib import make_threads, run_cli

from msqa_search import Answer, Doctor, Thread, build_index, format_thread, open_index
from msqa_search.engine import parallel as index_parallel
from msqa_search.engine import writer as index_write

PLANTED = ("attrs.py", "numpy.py", "cattrs.py", "click.py", "whoosh/__init__.py", "msqa_search/__init__.py")


def plant_modules(folder: Path, marker: Path) -> None:
    """Modules named like the ones a worker imports, each creating ``marker`` when imported."""
    for name in PLANTED:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\nraise ImportError('planted')\n",
                        encoding="utf-8")


class TestWorkersIgnoreTheCorpusFolder:
    """Parallel build workers never import from the current folder."""

    def test_planted_modules_never_run(self, tmp_path, monkeypatch):
        """A corpus folder with attrs.py, numpy.py, whoosh/...: a 2-worker build from inside it runs none."""
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        marker = tmp_path / "planted-ran"
        plant_modules(corpus, marker)
        monkeypatch.chdir(corpus)
        monkeypatch.setattr(index_write, "PARALLEL_MIN_ANSWERS", 10)
        monkeypatch.setattr(index_parallel, "CHUNK_ANSWERS", 10)
        used = []
        original = index_parallel.build_segments
        monkeypatch.setattr(index_parallel, "build_segments", lambda *a: used.append(a[2]) or original(*a))
        threads = make_threads("planted", 30, 2)
        with build_index(threads, tmp_path / "index", workers=2) as index:
            assert used == [2]  # two worker processes built it
            assert index.search("planted").total == 60
        assert not marker.exists()

    def test_worker_path_holds_no_relative_or_current_folder(self, tmp_path, monkeypatch):
        """The import path workers get has no '', no '.', and not the current folder."""
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(sys, "path", ["", ".", str(tmp_path), *sys.path])
        path = index_parallel.worker_path()
        assert {"", "."} & set(path) == set()
        assert str(tmp_path) not in path
        assert str(Path(index_parallel.__file__).resolve().parents[2]) in path


def _write(folder: Path, name: bytes, thread: Thread) -> None:
    with open(os.path.join(os.fsencode(folder), name), "wb") as f:
        f.write(format_thread(thread).encode("utf-8"))


def _thread(tid: str, word: str, doctor: Doctor | None = None) -> Thread:
    return Thread(id=tid, title=f"A question about {word}?", body=f"Asking about {word}.", declared_answers=1,
                  answers=[Answer(thread_id=tid, position=1, title="Answer", body=f"About {word} here.",
                                  doctor=doctor)])


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the file system must accept non-UTF-8 names")
class TestOddNames:
    """A thread file whose name is not UTF-8, or a card with a lone surrogate, is indexed safely."""

    def test_non_utf8_file_name_is_indexed(self, tmp_path):
        """`msqa-search index` on a folder with a Latin-1 file name: exit 0, the rest indexed too."""
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        _write(corpus, b"caf\xe9.txt", _thread("x", "latinoneword"))
        _write(corpus, b"plain.txt", _thread("y", "plainword"))
        result = run_cli("index", "--rebuild", "--index", tmp_path / "index", corpus)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        with open_index(tmp_path / "index") as index:
            ids = {hit.thread_id for hit in index.search("latinoneword OR plainword").hits}
            assert "plain" in ids
            assert len(ids) == 2
            odd = (ids - {"plain"}).pop()
            odd.encode("utf-8")  # a safe id: encodable, shown escaped
            assert odd == "caf\\xe9"
            assert index.answer(f"{odd}#1").thread.id == odd

    def test_lone_surrogate_in_a_card_is_indexed(self, tmp_path):
        """Threads made in Python with lone surrogates in the card and id build, and the others too."""
        odd = _thread("odd\udcff", "surrogateword", Doctor(name="Anna \ud800Klein", city="Bost\udfffon"))
        with build_index([odd, _thread("fine", "fineword")], tmp_path / "index") as index:
            assert index.search("fineword").total == 1
            hit = index.search("surrogateword").hits[0]
            hit.answer_id.encode("utf-8")
            assert hit.doctor is not None
            hit.doctor.name.encode("utf-8")
            assert hit.doctor.name == "Anna \ufffdKlein"

    def test_update_with_odd_names_keeps_the_index(self, tmp_path):
        """An update with a surrogate thread id adds it, and the seeds stay searchable."""
        with build_index([_thread("fine", "fineword")], tmp_path / "index") as index:
            summary = index.update([_thread("again\udce9", "againword")])
            assert summary.threads_added == 1
            assert index.search("againword").total == 1
            assert index.search("fineword").total == 1
            # Read again, the same odd thread replaces itself (its safe id is stable).
            assert index.update([_thread("again\udce9", "againword")]).threads_replaced == 1

