"""The regex helpers the matchers share."""

from __future__ import annotations

import pytest
import regex

from extractor.patterns import groupdict


@pytest.mark.parametrize(("pattern", "text"), [
    (r"(?P<a>\d+)(?P<b>年)?", "2024年"),                      # every group named
    (r"(?P<a>\d+)|(?P<a>[一二三]+)(?P<c>万)?", "三万"),        # a name used twice is one group
    (r"(\d+)(?P<u>吨)?(x)?", "5吨"),                          # unnamed groups between named ones
    (r"(\d+)(?P<u>吨)", "5吨"),                               # one named group
    (r"(\d+)", "5"),                                          # none
])
def test_groupdict_is_regex_groupdict(pattern, text):
    m = regex.compile(pattern, regex.V1).search(text)
    assert groupdict(m) == m.groupdict()
