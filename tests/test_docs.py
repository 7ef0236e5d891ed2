"""The Python examples in README.md and docs/ run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _examples():
    for doc in DOCS:
        blocks = BLOCK.findall(doc.read_text(encoding="utf-8"))
        if blocks:
            yield pytest.param(doc, blocks, id=doc.name)


class TestDocExamples:
    @pytest.mark.parametrize(("doc", "blocks"), list(_examples()))
    def test_python_blocks_run(self, doc, blocks, tmp_path, monkeypatch, capsys):
        """Every python block of a document runs, in order, sharing one namespace."""
        monkeypatch.chdir(ROOT)
        namespace: dict = {}
        for block in blocks:
            block = block.replace("/tmp/msqa-docs-index", str(tmp_path / "index"))
            exec(compile(block, str(doc), "exec"), namespace)
