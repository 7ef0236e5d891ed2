"""Cut answers and threads without answers, through the index and the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from msqa_search import build_index, parse_thread
from msqa_search.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BODY = ("Botox works on the nerve endings in the muscle, so your neurologist should clear you"
        " before any cosmetic injection. Fillers do not act on the nerves at all.")
# A copy cut inside its second answer: no footer, the last card not ended.
CUT_PAGE = "\n\n".join([
    "Can I get Botox with MS?", "Doctor Answers 5", "Ask your neurologist first", BODY,
    "Jane Roe, MD\nBoston Plastic Surgeon\n4.5 out of 5 stars 12 reviews",
    "Fillers are fine with MS", "Hyaluronic fillers do not touch the nerves, so sclerosis patients",
])
NO_ANSWERS = "\n\n".join(["Is Botox safe with MS?", "I have MS and want Botox.", "Doctor Answers 0"])


class TestCutThroughTheIndex:
    """Answer.cut is stored, comes back on hits and threads, and search output marks it."""

    def test_hit_and_thread_keep_the_flags(self, tmp_path):
        """The cut answer's hit has cut True, the whole one False; the thread is incomplete."""
        thread = parse_thread(CUT_PAGE, thread_id="cut")
        assert [a.cut for a in thread.answers] == [False, True]
        with build_index([thread], tmp_path / "ix") as index:
            hits = {h.position: h.cut for h in index.search("fillers neurologist").hits}
            again = index.thread("cut")
        assert hits == {1: False, 2: True}
        assert (again.complete, [a.cut for a in again.answers]) == (False, [False, True])

    def test_search_output_marks_cut_answers(self, tmp_path):
        """The text output marks the cut hit only; --json has "cut" on every hit."""
        folder = tmp_path / "threads"
        folder.mkdir()
        (folder / "cut.txt").write_text(CUT_PAGE, encoding="utf-8")
        runner = CliRunner()
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(folder), "--index", str(target)], catch_exceptions=False)
        text = runner.invoke(cli, ["search", "fillers", "--index", str(target), "--no-color"],
                             catch_exceptions=False).stdout
        lines = text.splitlines()
        marked = [i for i, line in enumerate(lines) if "cut short" in line]
        assert len(marked) == 1 and "[cut#2]" in lines[marked[0] - 1]
        data = json.loads(runner.invoke(cli, ["search", "fillers", "--json", "--index", str(target)]).stdout)
        assert {h["answer_id"]: h["cut"] for h in data["hits"]} == {"cut#1": False, "cut#2": True}


class TestThreadWithoutAnswers:
    """A thread with no answers is reported as skipped, and the counts agree with stats."""

    def test_build_counts_agree_with_stats(self, tmp_path):
        """'2 threads' added (not 3), the third named as skipped; stats says 2 threads."""
        folder = tmp_path / "threads"
        shutil.copytree(SEEDS, folder)
        (folder / "no-answers.txt").write_text(NO_ANSWERS, encoding="utf-8")
        runner = CliRunner()
        target = tmp_path / "ix"
        result = runner.invoke(cli, ["index", str(folder), "--index", str(target)], catch_exceptions=False)
        assert f"Built the index at {target}: 2 threads, 16 answers added; 1 file skipped, 0 warnings.\n" == result.stdout
        assert f"skipped: {folder / 'no-answers.txt'}: no answers found; not indexed\n" == result.stderr
        stats = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(target)]).stdout)
        assert (stats["threads"], stats["answers"]) == (2, 16)

    def test_update_counts_agree_with_stats(self, tmp_path):
        """An update that adds a thread without answers does not count it as added."""
        folder = tmp_path / "threads"
        shutil.copytree(SEEDS, folder)
        runner = CliRunner()
        target = tmp_path / "ix"
        runner.invoke(cli, ["index", str(folder), "--index", str(target)], catch_exceptions=False)
        (folder / "no-answers.txt").write_text(NO_ANSWERS, encoding="utf-8")
        result = runner.invoke(cli, ["index", str(folder), "--index", str(target)], catch_exceptions=False)
        assert result.stdout.startswith(f"Updated the index at {target}: 2 threads read: 0 added, 0 replaced")
        assert result.stdout.endswith("; 1 file skipped, 0 warnings.\n")
        stats = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(target)]).stdout)
        assert (stats["threads"], stats["answers"]) == (2, 16)
