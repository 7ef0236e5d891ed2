"""Fixtures of the fault tests: ready-made indexes copied into each test's own folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from faultlib import SEEDS, content, make_threads

from msqa_search import build_index, open_index, read_threads


@pytest.fixture(scope="session")
def _templates(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("templates")
    made = {}
    for name, threads in (("seeds", lambda: read_threads([SEEDS])), ("old", lambda: content("old"))):
        build_index(threads(), root / name).close()
        made[name] = root / name
    # Two segments: the seeds, then an update that adds a few threads.
    shutil.copytree(made["seeds"], root / "two-segments")
    with open_index(root / "two-segments") as index:
        index.update(make_threads("extramarker", 5, 2, prefix="x"))
    made["two-segments"] = root / "two-segments"
    return made


@pytest.fixture
def old_index(_templates, tmp_path) -> Path:
    """A fresh copy of an index holding the OLD content (see faultlib.STATES)."""
    path = tmp_path / "index"
    shutil.copytree(_templates["old"], path)
    return path


@pytest.fixture
def seed_index(_templates, tmp_path) -> Path:
    """A fresh copy of an index of the seed threads."""
    path = tmp_path / "seed-index"
    shutil.copytree(_templates["seeds"], path)
    return path


@pytest.fixture
def two_segment_index(_templates, tmp_path) -> Path:
    """A fresh copy of an index of two segments: the seeds, then 5 threads of 2 answers."""
    path = tmp_path / "two-segment-index"
    shutil.copytree(_templates["two-segments"], path)
    return path
