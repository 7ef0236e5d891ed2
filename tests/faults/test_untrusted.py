"""Index files from someone else: no pickle in them runs, and an index others can write or own is refused."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pickle

import pytest
import whoosh.codec.whoosh3
import whoosh.columns
import whoosh.formats
from faultlib import SEEDS, run_cli
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from msqa_search import IndexDamagedError, UnsafeIndexError, build_index, open_index, read_threads
from msqa_search.engine import safe_pickle
from msqa_search.errors import MsqaError
from msqa_search.engine.schema import SCHEMA

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
STRANGER = 12345  # a uid that owns nothing on this machine


def refusal(root: Path, path: Path, why: str) -> str:
    return (
        f"refusing to open the index at {root}: {path} {why}, so others could change"
        " what it answers. Rebuild the index yourself from the thread files,"
        f" or fix its permissions (chmod -R o-w {root}) if you trust it."
    )


def current(root: Path) -> Path:
    return root / (root / "CURRENT").read_text(encoding="utf-8").strip()


class _Payload:
    """Unpickling this runs code: it creates the file ``marker``."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def plant_payload(root: Path, marker: Path) -> Path:
    """Add a newer Whoosh table of contents whose pickled schema runs the payload."""
    schema = Schema()
    schema.payload = _Payload(marker)
    TOC(schema, [], 99).write(FileStorage(str(current(root))), "MAIN")
    toc = current(root) / "_MAIN_99.toc"
    assert toc.exists()
    return toc


def opens(root: Path) -> MsqaError | None:
    try:
        with open_index(root) as index:
            index.search("botox")
    except MsqaError as e:
        return e
    return None


class TestWritableByOthers:
    """Files or folders that other users can write are refused with UnsafeIndexError."""

    @pytest.mark.parametrize("target", ["segment file", "table of contents", "columns file",
                                        "meta file", "generation folder", "index folder"])
    def test_world_writable_is_refused(self, seed_index, target):
        """chmod o+w on one part: UnsafeIndexError naming exactly that file or folder."""
        generation = current(seed_index)
        path = {
            "segment file": next(generation.glob("*.pst"), None),
            "table of contents": next(generation.glob("*.toc"), None),
            "columns file": next(generation.glob("*.msqa-columns"), None),
            "meta file": generation / "msqa-index.json",
            "generation folder": generation,
            "index folder": seed_index,
        }[target]
        path.chmod(path.stat().st_mode | stat.S_IWOTH)
        error = opens(seed_index)
        assert type(error) is UnsafeIndexError
        assert str(error) == refusal(seed_index, path, "is writable by other users")
        assert (error.file, error.path) == (str(path), str(seed_index))

    def test_refused_through_cli(self, seed_index):
        """The CLI prints the refusal as one line and exits 2."""
        toc = next(current(seed_index).glob("*.toc"))
        toc.chmod(0o666)
        result = run_cli("search", "botox", "--index", seed_index)
        assert (result.returncode, result.stdout, result.stderr) == (
            2, "", f"Error: {refusal(seed_index, toc, 'is writable by other users')}\n")

    def test_refused_when_a_new_generation_is_unsafe(self, seed_index):
        """A long-lived index refuses a newly published generation that others can write."""
        with open_index(seed_index) as index:
            build_index(read_threads([Path(__file__).resolve().parents[2] / "seeds"]), seed_index).close()
            meta = current(seed_index) / "msqa-index.json"
            meta.chmod(0o666)
            with pytest.raises(UnsafeIndexError) as caught:
                index.search("botox")
        assert caught.value.file == str(meta)

    def test_rebuild_replaces_an_unsafe_index(self, seed_index):
        """The fix the message names works: a rebuild writes a fresh, safe generation."""
        toc = next(current(seed_index).glob("*.toc"))
        toc.chmod(0o666)
        result = run_cli("index", "--rebuild", "--index", seed_index, Path(__file__).resolve().parents[2] / "seeds")
        assert (result.returncode, result.stderr) == (0, "")
        assert opens(seed_index) is None


class TestPicklePayload:
    """A planted pickle payload in any pickled index file is refused, and never runs."""

    def test_payload_in_the_schema_never_runs(self, seed_index, tmp_path):
        """A newer table of contents whose pickled schema runs code: the schema is never read."""
        marker = tmp_path / "payload-ran"
        plant_payload(seed_index, marker)
        opens(seed_index)
        assert not marker.exists()

    def test_payload_in_the_segment_list_is_refused(self, seed_index, tmp_path):
        """A table of contents whose segment list runs code: refused as damage, nothing runs."""
        marker = tmp_path / "payload-ran"
        generation = current(seed_index)
        toc = next(generation.glob("_MAIN_*.toc"))
        number = int(toc.stem.rsplit("_", 1)[1])
        toc.unlink()
        TOC(SCHEMA, [_Payload(marker)], number).write(FileStorage(str(generation)), "MAIN")
        # As a forger would: drop the checksums that would flag the new TOC first.
        meta = json.loads((generation / "msqa-index.json").read_text(encoding="utf-8"))
        (generation / "msqa-index.json").write_text(json.dumps({"schema": meta["schema"]}), encoding="utf-8")
        error = opens(seed_index)
        assert type(error) is IndexDamagedError
        assert "refused to unpickle builtins.exec" in str(error)
        assert not marker.exists()

    @pytest.mark.parametrize("module", [whoosh.columns, whoosh.codec.whoosh3, whoosh.formats],
                             ids=["stored fields", "postings", "positions"])
    def test_payload_in_segment_data_is_refused(self, module, tmp_path, monkeypatch):
        """An index whose stored fields, postings or positions pickles run code: refused, nothing runs."""
        marker = tmp_path / "payload-ran"
        payload = pickle.dumps(_Payload(marker), 2)
        with monkeypatch.context() as m:
            m.setattr(module, "dumps", lambda obj, *args, **kwargs: payload)
            build_index(read_threads([SEEDS]), tmp_path / "index", workers=1).close()
        assert not marker.exists()
        errors = []
        for call in (lambda ix: ix.search("botox"), lambda ix: ix.search('"botox cosmetic"'),
                     lambda ix: ix.answer(ix.columns().answer_ids[0]), lambda ix: ix.stats()):
            try:
                with open_index(tmp_path / "index") as index:
                    call(index)
            except MsqaError as e:
                errors.append(type(e))
        assert not marker.exists()
        assert IndexDamagedError in errors
        assert set(errors) <= {IndexDamagedError}

    def test_the_safe_unpickler_is_in_place(self):
        """Every place Whoosh unpickles file data goes through the restricted unpickler."""
        assert safe_pickle.installed()
        with pytest.raises(safe_pickle.UnsafePickleError):
            safe_pickle.safe_loads(pickle.dumps(_Payload(Path("never"))))
        assert safe_pickle.safe_loads(pickle.dumps({"a": (1, 2.5, b"x", {3})}, 2)) == {"a": (1, 2.5, b"x", {3})}

    def test_world_writable_payload_never_runs(self, seed_index, tmp_path):
        """A world-writable planted file is refused before anything is read."""
        marker = tmp_path / "payload-ran"
        toc = plant_payload(seed_index, marker)
        toc.chmod(0o666)
        error = opens(seed_index)
        assert (type(error), str(error)) == (UnsafeIndexError, refusal(seed_index, toc, "is writable by other users"))
        assert not marker.exists()

    @pytest.mark.skipif(not IS_ROOT, reason="only root can give a file to another user")
    def test_foreign_owned_payload_never_runs(self, seed_index, tmp_path):
        """A planted file owned by another user is refused before anything is read."""
        marker = tmp_path / "payload-ran"
        toc = plant_payload(seed_index, marker)
        os.chown(toc, STRANGER, STRANGER)
        error = opens(seed_index)
        assert (type(error), str(error)) == (UnsafeIndexError, refusal(seed_index, toc, "belongs to another user"))
        assert not marker.exists()


class TestStickyFile:
    """The sticky bit exempts folders (as /tmp), never a file."""

    def test_sticky_world_writable_file_is_refused(self, seed_index):
        """A file with mode 1666 is writable by others and refused like any other."""
        meta = current(seed_index) / "msqa-index.json"
        meta.chmod(0o1666)
        error = opens(seed_index)
        assert (type(error), getattr(error, "file", None)) == (UnsafeIndexError, str(meta))

    def test_sticky_world_writable_folder_is_allowed(self, tmp_path):
        """An index inside a sticky shared folder (like /tmp) opens."""
        shared = tmp_path / "shared"
        shared.mkdir()
        shared.chmod(0o1777)
        build_index(read_threads([SEEDS]), shared / "index").close()
        assert opens(shared / "index") is None


@pytest.mark.skipif(not IS_ROOT, reason="only root can give files to another user")
class TestOwnedByAnotherUser:
    """Index files owned by another user (not root, not us) are refused."""

    @pytest.mark.parametrize("target", ["segment file", "generation folder", "index folder"])
    def test_foreign_owner_is_refused(self, seed_index, target):
        """chown to another uid: UnsafeIndexError naming that file or folder."""
        generation = current(seed_index)
        path = {"segment file": next(generation.glob("*.pst")), "generation folder": generation,
                "index folder": seed_index}[target]
        os.chown(path, STRANGER, STRANGER)
        error = opens(seed_index)
        assert (type(error), str(error)) == (UnsafeIndexError, refusal(seed_index, path, "belongs to another user"))


class TestAllocationBombs:
    """A pickle may not make the reader set aside memory its file does not hold."""

    def test_bytes_of_a_size_is_refused(self):
        """``bytes(2**31)`` in a pickle is refused; ``bytes()`` as protocol 2 writes b"" is fine."""
        bomb = b"c__builtin__\nbytes\n(J\x00\x00\x00\x7ftR."
        with pytest.raises(safe_pickle.UnsafePickleError):
            safe_pickle.safe_loads(bomb)
        assert b"" == safe_pickle.safe_loads(pickle.dumps(b"", protocol=2))

    def test_impossible_length_is_an_unpickling_error(self):
        """A length field far beyond the data is an UnpicklingError (damage), not MemoryError."""
        huge = b"\x80\x04\x8e" + (2**62).to_bytes(8, "little") + b"x"
        with pytest.raises(pickle.UnpicklingError):
            safe_pickle.safe_loads(huge)
