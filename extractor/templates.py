"""Commented templates for new rule files (`zh-extract rules new KIND FOLDER`).

Each template is a valid rule file: every allowed key is shown, with one example entry that the
checker accepts as it stands, so a researcher edits a working file instead of a blank one.
"""

TEMPLATES = {
    "units": """\
# My units. Every key a unit entry may have:
#   id          unique rule id (records' `rule`); reuse a bundled id to override that entry
#   dimension   what it measures (money, mass, energy_coal …)
#   canonical   the code records carry; add new codes to canonical_units
#   factor      canonical units in one written unit (a number or "a/b")
#   aliases     spellings as written; the longest wins
#   before      true when written before the number (百分之三十)
#   examples    text -> the one record it must give; not: texts that give no quantity
#   disabled    true to switch a bundled entry off
canonical_units: [tce]

units:
  - id: unit.energy.tce
    dimension: energy_coal
    canonical: tce
    factor: 1
    aliases: [吨标准煤, 吨标煤]
    examples:
      - {text: 能耗总量控制在1500万吨标准煤以内, value: 15000000, unit: tce, comparator: "<="}
""",
    "bounds": """\
# My bound words: id, comparator (> >= < <= ~), position (before | after), words, examples, not.
bounds:
  - id: bound.more_than.mine
    comparator: ">"
    position: before
    words: [破]
    examples:
      - {text: 销售额破100亿元, value: 10000000000, unit: CNY, comparator: ">"}
""",
    "changes": """\
# My change words: id, direction (up | down | null), words, dimensions (optional), examples, not.
changes:
  - id: change.up.mine
    direction: up
    words: [上扬]
    examples:
      - {text: 股价上扬3.5%, value: 3.5, unit: "%", change: true}
""",
    "patterns": """\
# My whole-mention patterns: id, pattern ({num} is any numeral, captured as (?P<n>{num})),
# normalizer (number | fixed | power_of_two | fraction), value (for fixed), unit, dimension,
# comparator, change, direction, examples, not.
patterns:
  - id: rank.top_mine
    pattern: '(?P<n>{num})佳'
    normalizer: number
    unit: rank
    dimension: rank
    comparator: "<="
    examples:
      - {text: 入选全国十佳, value: 10, unit: rank, comparator: "<="}
""",
    "traps": """\
# Numerals that are NOT quantities: id, trap (date | period | name | label | code | enumeration |
# ordinal), pattern and/or terms, not (texts that must give no quantity), examples.
traps:
  - id: trap.slogan.mine
    trap: name
    terms: [三个一百]
    not: [实施“三个一百”工程]
""",
    "periods": """\
# Periods: id, pattern (named groups y, y2, m, m2, n, rel, half, q, pre, plan), normalizer (year,
# year_range, by_year, month, month_range, half, quarter, relative_year, recent_years, year_end,
# plan, plan_end, to_date, none), examples (text, date, period, period_norm), not.
periods:
  - id: period.mine
    pattern: '(?P<y>(?:19|20)\\d\\d)财年'
    normalizer: year
    examples:
      - {text: 2023财年营收增长5%, date: 2024-03, period: 2023财年, period_norm: "2023"}
""",
    "cues": """\
# Cues for kinds: id, kind (target | forecast | actual | other), scope (clause | sentence |
# passage), weak, after, words (matched on whole tokens), examples (text -> kind), not.
cues:
  - id: cue.target.mine
    kind: target
    scope: clause
    words: [力保]
    examples:
      - {text: 力保粮食产量1300亿斤, kind: target}
""",
    "entities": """\
# My entities. gazetteers: id, label (PERSON ORG GPE LOC FAC LAW EVENT NORP PRODUCT), terms,
# normalized (name -> canonical name); suffixes: id, label, words; patterns: id, label, pattern
# (group `name` is the entity); stop_words, verbs, division_exclude: word lists. Suffix options
# (tail_only, strict, needs_proper, generic_ok, max_pieces, not_before, extend_left) and the name
# lists (surnames, titles, post_titles, follow, joiners, blockers …) are explained at the top of
# the bundled rules/entities/entities.yaml.
gazetteers:
  - id: org.my_list
    label: ORG
    terms: [中国石化, 中国石油, 国家电网]
""",
}
