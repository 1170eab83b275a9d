"""The gazetteer automaton: every occurrence, overlapping ones too, in pyahocorasick's order."""

from __future__ import annotations

import random

from extractor.automaton import Automaton


def _brute_force(words: dict[str, int], text: str, start: int = 0, end: int | None = None):
    end = len(text) if end is None else end
    return [(stop - 1, words[text[first:stop]])
            for stop in range(start + 1, end + 1)
            for first in range(start, stop) if text[first:stop] in words]


def test_every_overlapping_occurrence_by_end_then_longest_first():
    auto = Automaton()
    for i, word in enumerate(["郑州", "郑州市", "州市", "市", "河南省郑州市"]):
        auto.add_word(word, i)
    auto.make_automaton()
    assert auto.iter("河南省郑州市人民政府") == [(4, 0), (5, 4), (5, 1), (5, 2), (5, 3)]
    assert auto.iter("河南省郑州市人民政府", 4) == [(5, 2), (5, 3)]  # the window's offsets stay the text's


def test_random_words_and_texts_match_a_brute_force_search():
    rng = random.Random(7)
    for _ in range(300):
        words = {"".join(rng.choice("甲乙丙a") for _ in range(rng.randint(1, 4))): rng.randint(0, 9)
                 for _ in range(rng.randint(1, 12))}
        auto = Automaton()
        for word, value in words.items():
            auto.add_word(word, value)
        auto.make_automaton()
        text = "".join(rng.choice("甲乙丙a ") for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert auto.iter(text) == _brute_force(words, text)
        assert auto.iter(text, start, end) == _brute_force(words, text, start, end)


def test_a_word_added_again_keeps_its_last_value_and_an_empty_automaton_finds_nothing():
    auto = Automaton()
    auto.add_word("郑州", 1)
    auto.add_word("郑州", 2)
    auto.add_word("", 3)
    auto.make_automaton()
    assert auto.iter("在郑州") == [(2, 2)] and len(auto) == 1
    empty = Automaton()
    empty.make_automaton()
    assert empty.iter("郑州") == []
