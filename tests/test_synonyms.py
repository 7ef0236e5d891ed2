"""Tests for msqa_search.lexicon.synonyms: the file format, the shipped data and expansion."""

from __future__ import annotations

import pytest

from msqa_search.errors import MsqaError
from msqa_search.errors import SynonymFileError
from msqa_search.lexicon.synonym_file import load_synonyms, parse_synonyms
from msqa_search.lexicon.synonyms import Expansion, SynonymMap, phrase_words, split_words

BOTOX = (("botox", "cosmetic"), ("botulinum", "toxin"), ("onabotulinumtoxina",))


@pytest.fixture(scope="module")
def shipped() -> SynonymMap:
    return load_synonyms()


def expand_text(synonyms: SynonymMap, text: str) -> list[Expansion]:
    words, original = split_words(text)
    return synonyms.expand(words, original)


class TestShippedData:
    def test_botox_and_ms(self, shipped):
        """The brief's example: "ms" and "botox" expand to their groups, in file order."""
        assert [
            Expansion(start=1, end=2, phrase=("ms",), alternatives=(("multiple", "sclerosis"),)),
            Expansion(start=4, end=5, phrase=("botox",), alternatives=BOTOX),
        ] == shipped.expand(["can", "ms", "patients", "get", "botox"])

    def test_multi_word_phrase_finds_abbreviation(self, shipped):
        """A two-word phrase is matched as one span and finds its abbreviation."""
        assert [
            Expansion(start=0, end=2, phrase=("multiple", "sclerosis"), alternatives=(("ms",),))
        ] == shipped.expand(["multiple", "sclerosis"])

    def test_als(self, shipped):
        """ALS and amyotrophic lateral sclerosis find each other."""
        assert ("amyotrophic", "lateral", "sclerosis") in shipped.alternatives(["als"])
        assert ("als",) in shipped.alternatives(["amyotrophic", "lateral", "sclerosis"])

    def test_co2_laser(self, shipped):
        """"CO2 laser" is one phrase, found in either spelling."""
        assert ("carbon", "dioxide", "laser") in shipped.alternatives(["co2", "laser"])
        assert ("co2", "laser") in shipped.alternatives(["carbon", "dioxide", "laser"])

    def test_filler_finds_brands(self, shipped):
        """Filler and dermal filler find the filler brands and hyaluronic acid filler."""
        for query in (["filler"], ["dermal", "filler"], ["dermal", "fillers"]):
            found = set(shipped.alternatives(query))
            assert {
                ("restylane",),
                ("juvederm",),
                ("radiesse",),
                ("sculptra",),
                ("belotero",),
                ("voluma",),
                ("hyaluronic", "acid", "filler"),
            } <= found

    def test_brand_does_not_find_other_brands(self, shipped):
        """One-way rules: restylane finds neither juvederm nor filler."""
        assert () == shipped.alternatives(["restylane"])
        assert [] == shipped.expand(["restylane", "or", "voluma"])

    def test_neurotoxin_finds_each_toxin_but_not_back(self, shipped):
        """Neurotoxin finds every toxin and its generic name; a toxin does not find another."""
        for query in (["neurotoxin"], ["neuromodulator"]):
            found = set(shipped.alternatives(query))
            assert {
                ("botox",),
                ("onabotulinumtoxina",),
                ("dysport",),
                ("abobotulinumtoxina",),
                ("xeomin",),
                ("incobotulinumtoxina",),
            } <= found
        assert (("abobotulinumtoxina",),) == shipped.alternatives(["dysport"])
        assert (("incobotulinumtoxina",),) == shipped.alternatives(["xeomin"])
        assert not {("dysport",), ("neurotoxin",)} & set(shipped.alternatives(["botox"]))

    def test_groups_are_disjoint_and_lowercase(self, shipped):
        """Each phrase is in at most one group, and every word is lowercase."""
        phrases = [p for group in shipped.groups for p in group]
        assert len(phrases) == len(set(phrases))
        assert all(len(group) >= 2 for group in shipped.groups)
        assert all(w == w.lower() for p in phrases for w in p)

    def test_size(self, shipped):
        """The shipped file has a few dozen groups and rules."""
        assert len(shipped.groups) >= 50
        assert len(shipped.rules) >= 10


class TestExpand:
    def test_longest_phrase_first(self, shipped):
        """"botox cosmetic" matches as one phrase, not as "botox" then "cosmetic"."""
        assert [
            Expansion(
                start=0,
                end=2,
                phrase=("botox", "cosmetic"),
                alternatives=(("botox",), ("botulinum", "toxin"), ("onabotulinumtoxina",)),
            )
        ] == shipped.expand(["botox", "cosmetic", "risks"])

    def test_words_are_lowercased(self, shipped):
        """Words are matched case-insensitively."""
        assert shipped.expand(["BOTOX"]) == shipped.expand(["botox"])

    def test_original_must_match_words(self, shipped):
        """original needs one entry per word."""
        with pytest.raises(ValueError, match="original has 1 words but words has 2"):
            shipped.expand(["ms", "botox"], ["MS"])

    @pytest.mark.parametrize(
        "text",
        [
            "Ms. Smith botox",
            "Ms Smith botox",
            "botox by Ms. smith",
            "Relapsing remitting Ms. Jones",
        ],
    )
    def test_title_is_not_multiple_sclerosis(self, shipped, text):
        """"Ms" typed as a title (a dot, or a capitalised name next) is not the disease."""
        assert all("ms" not in e.phrase for e in expand_text(shipped, text))

    @pytest.mark.parametrize(
        "text",
        [
            "ms botox",
            "MS. Botox",
            "ms Smith",
            "Can MS patients get Botox?",
            "Can Ms patients get Botox?",
            "botox and Ms",
        ],
    )
    def test_disease(self, shipped, text):
        """"MS", "ms" and "Ms" before a lowercase word are multiple sclerosis."""
        ms = [e for e in expand_text(shipped, text) if e.phrase == ("ms",)]
        assert [(("multiple", "sclerosis"),)] == [e.alternatives for e in ms]

    def test_without_original_ms_is_the_disease(self, shipped):
        """Without the typed words there is no title rule."""
        assert ("ms",) == shipped.expand(["ms", "smith"])[0].phrase


class TestFormat:
    def test_group_works_both_ways_with_phrases(self):
        """A group line makes every phrase find the others, in the line's order."""
        synonyms = parse_synonyms("Lou Gehrig's disease, ALS, motor neurone disease")
        assert (("lou", "gehrig", "s", "disease"), ("motor", "neurone", "disease")) == (
            synonyms.alternatives(["als"])
        )
        assert (("lou", "gehrig", "s", "disease"), ("als",)) == synonyms.alternatives(
            ["motor", "neurone", "disease"]
        )

    def test_rule_is_one_way(self):
        """A rule's left side finds its right side; the right side finds nothing."""
        synonyms = parse_synonyms("filler, dermal filler => restylane, juvederm")
        assert (("restylane",), ("juvederm",)) == synonyms.alternatives(["dermal", "filler"])
        assert () == synonyms.alternatives(["restylane"])
        assert () == synonyms.alternatives(["juvederm"])

    def test_expansion_is_transitive(self):
        """A rule target brings its own group and rules along."""
        synonyms = parse_synonyms("toxin => botox\nbotox, botulinum toxin\nbotox => vistabel")
        assert (("botox",), ("botulinum", "toxin"), ("vistabel",)) == synonyms.alternatives(
            ["toxin"]
        )

    def test_comments_blank_lines_and_case(self):
        """Comments and blank lines are skipped; entries are lowercased."""
        synonyms = parse_synonyms("# header\n\n  MS, Multiple Sclerosis  # the disease\n")
        assert ((("ms",), ("multiple", "sclerosis")),) == synonyms.groups
        assert () == synonyms.rules

    def test_groups_sharing_a_phrase_merge(self):
        """Two groups with a common phrase become one."""
        synonyms = parse_synonyms("a1, b1\nc1, d1\nb1, c1, e1")
        assert ((("a1",), ("b1",), ("c1",), ("d1",), ("e1",)),) == synonyms.groups

    def test_rules_for_one_phrase_merge(self):
        """Rules with the same left phrase add up, without repeats or self-references."""
        synonyms = parse_synonyms("a1 => b1, c1\na1 => c1, a1, d1")
        assert (((("a1",), (("b1",), ("c1",), ("d1",))),)) == synonyms.rules

    def test_phrase_words(self):
        """Entries split like Whoosh's default tokenizer, punctuation dropped."""
        assert ("poly", "l", "lactic", "acid") == phrase_words(" Poly-L-lactic acid ")

    def test_split_words_keeps_dots(self):
        """split_words lowercases words and keeps a following dot in the typed form."""
        assert (["ms", "smith", "s", "botox"], ["Ms.", "Smith", "s", "Botox."]) == (
            split_words("Ms. Smith's Botox.")
        )


class TestUserFiles:
    def test_user_file_extends_shipped(self, tmp_path):
        """A user file adds groups, joins existing ones and adds rule targets."""
        extra = tmp_path / "mine.txt"
        extra.write_text("# mine\nbotox, vistabel\nfiller => teoxane rha\n", encoding="utf-8")
        synonyms = load_synonyms([extra])
        assert BOTOX + (("vistabel",),) == synonyms.alternatives(["botox"])
        assert ("teoxane", "rha") in synonyms.alternatives(["filler"])
        assert ("restylane",) in synonyms.alternatives(["filler"])

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            ("botox", "a group needs two or more phrases separated by commas"
             " (or write a rule: phrase => phrase, ...)"),
            ("botox, botox", "a group needs two or more phrases separated by commas"
             " (or write a rule: phrase => phrase, ...)"),
            ("a => b => c", "more than one '=>'"),
            ("=> restylane", "empty side of '=>'"),
            ("filler =>", "empty side of '=>'"),
            ("botox, , dysport", "empty entry '' (a stray comma?)"),
            ("botox, dysport,", "empty entry '' (a stray comma?)"),
            ("botox, ---", "empty entry '---' (a stray comma?)"),
        ],
    )
    def test_bad_line(self, tmp_path, line, message):
        """A bad line raises a ValueError naming the file and the line number."""
        extra = tmp_path / "mine.txt"
        extra.write_text(f"# ok\nms, multiple sclerosis\n\n{line}\n", encoding="utf-8")
        with pytest.raises(SynonymFileError) as info:
            load_synonyms([extra])
        assert f"{extra}:4: {message}" == str(info.value)
        assert (str(extra), 4) == (info.value.source, info.value.line)
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, MsqaError)

    def test_missing_file(self, tmp_path):
        """An unreadable file raises SynonymFileError naming it."""
        missing = tmp_path / "nope.txt"
        with pytest.raises(SynonymFileError, match="nope.txt: cannot read: No such file"):
            load_synonyms([missing])

    def test_not_utf8(self, tmp_path):
        """A file that is not UTF-8 raises SynonymFileError with the line of the bad byte."""
        extra = tmp_path / "latin1.txt"
        extra.write_bytes(b"ms, multiple sclerosis\njuv\xe9derm, juvederm\n")
        with pytest.raises(SynonymFileError) as info:
            load_synonyms([extra])
        assert f"{extra}:2: not valid UTF-8" == str(info.value)
