"""Named entities from gazetteers, suffix names and patterns (rules/entities/), offline.

Gazetteer names (with China's administrative divisions from divisions.tsv) are found with an
Aho-Corasick automaton on the normalized text. Suffix names (中原科技城, 郑州市科技创新委员会) are
built on the spaCy tokens: the run of tokens before a suffix word, up to a stop word or
punctuation. Patterns (《…》, titles before personal names) are regular expressions. Overlaps are
settled once: the longest name wins, a gazetteer name beats a built one of the same length.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import ahocorasick
import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import RuleError
from .rules import bundled_rules_dir

Label = Literal["PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT", "NORP", "PRODUCT"]
LABEL_RANK = {"LAW": 0, "EVENT": 1, "FAC": 2, "ORG": 3, "GPE": 4, "LOC": 5, "PERSON": 6, "NORP": 7,
              "PRODUCT": 8}


BYLINE_ROLES = {"通讯员", "实习生", "摄影", "记者", "编辑"}
EDITION = regex.compile(r"(?:第[0-9一二三四五六七八九十百]+届|首届|(?:19|20)\d\d(?:年)?)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntityExample(_Model):
    text: str
    entities: list[list[str]]


class Gazetteer(_Model):
    id: str
    label: Label
    terms: list[str] = Field(min_length=1)
    normalized: dict[str, str] = {}
    examples: list[EntityExample] = []
    not_: list[str] = Field(default=[], alias="not")
    note: str | None = None
    disabled: bool = False


class SuffixRule(_Model):
    id: str
    label: Label
    words: list[str] = Field(min_length=1)
    examples: list[EntityExample] = []
    note: str | None = None
    disabled: bool = False


class PatternRule(_Model):
    id: str
    label: Label
    pattern: str
    examples: list[EntityExample] = []
    not_: list[str] = Field(default=[], alias="not")
    note: str | None = None
    disabled: bool = False


class EntityFile(_Model):
    gazetteers: list[Gazetteer] = []
    suffixes: list[SuffixRule] = []
    patterns: list[PatternRule] = []
    titles: list[str] = []
    stop_words: list[str] = []
    verbs: list[str] = []
    division_exclude: list[str] = []
    suffix_exclude: list[str] = []


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    rule: str
    normalized: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class EntityRules:
    gazetteers: tuple[Gazetteer, ...]
    suffixes: tuple[SuffixRule, ...]
    patterns: tuple[PatternRule, ...]
    stop_words: frozenset[str]
    verbs: frozenset[str]
    exclude: frozenset[str]
    suffix_exclude: frozenset[str]
    divisions: tuple[tuple[str, str, str, str], ...]  # name, short, code, level
    fingerprint: str


def entity_dirs(extra: list[str] | tuple[str, ...] = ()) -> list[Path]:
    return [bundled_rules_dir() / "entities"] + [Path(d) / "entities" for d in extra]


def load_entity_rules(extra: list[str] | tuple[str, ...] = ()) -> EntityRules:
    dirs = [d for d in entity_dirs(extra) if d.is_dir()]
    digest = hashlib.sha1()
    for folder in dirs:
        for path in sorted(folder.glob("*")):
            if path.suffix in (".yaml", ".tsv"):
                digest.update(path.name.encode() + path.read_bytes())
    return _load(tuple(str(d) for d in dirs), digest.hexdigest()[:12])


@lru_cache(maxsize=8)
def _load(dirs: tuple[str, ...], fingerprint: str) -> EntityRules:
    problems: list[str] = []
    merged: dict[str, dict[str, object]] = {"gazetteers": {}, "suffixes": {}, "patterns": {}}
    stop_words: set[str] = set()
    verbs: set[str] = set()
    exclude: set[str] = set()
    suffix_exclude: set[str] = set()
    divisions: dict[str, tuple[str, str, str, str]] = {}
    for folder in map(Path, dirs):
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                parsed = EntityFile.model_validate(data)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"{path}:{mark.line + 1}" if mark else str(path)
                problems.append(f"{where}: bad YAML: {getattr(exc, 'problem', None) or exc}")
                continue
            except ValidationError as exc:
                problems += [f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
                continue
            for key in merged:
                for entry in getattr(parsed, key):
                    merged[key][entry.id] = entry
            stop_words |= set(parsed.stop_words)
            verbs |= set(parsed.verbs)
            exclude |= set(parsed.division_exclude)
            suffix_exclude |= set(parsed.suffix_exclude)
        for path in sorted(folder.glob("*.tsv")):
            with open(path, encoding="utf-8") as handle:
                rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
                header = next(rows, None)
                if header != ["name", "short", "code", "level"]:
                    problems.append(f"{path}:3: expected the columns name, short, code, level")
                    continue
                for row in rows:
                    if len(row) == 4:
                        divisions[row[0]] = (row[0], row[1], row[2], row[3])
    for entry in merged["patterns"].values():
        try:
            regex.compile(entry.pattern)
        except regex.error as exc:
            problems.append(f"[{entry.id}] pattern does not compile: {exc}")
    if problems:
        raise RuleError("\n".join(problems))

    def live(key):
        return tuple(e for e in merged[key].values() if not e.disabled)

    return EntityRules(live("gazetteers"), live("suffixes"), live("patterns"), frozenset(stop_words),
                       frozenset(verbs), frozenset(exclude), frozenset(suffix_exclude),
                       tuple(divisions.values()), fingerprint)


class EntityMatcher:
    def __init__(self, rules: EntityRules, actions: tuple[str, ...] = ()) -> None:
        self.rules = rules
        self.automaton = ahocorasick.Automaton()
        entries: dict[str, tuple[str, str, str | None, str | None]] = {}
        for name, short, code, level in rules.divisions:
            if name in rules.exclude:
                continue
            entries[name] = ("GPE", f"gpe.division.{level}", name, code)
            if short and short not in entries and short not in rules.exclude:
                entries[short] = ("GPE", f"gpe.division.{level}", name, code)
        for gaz in rules.gazetteers:  # curated lists override the table
            for term in gaz.terms:
                entries[term] = (gaz.label, gaz.id, gaz.normalized.get(term), None)
        for term, value in entries.items():
            self.automaton.add_word(term, (len(term), *value))
        self.automaton.make_automaton()
        self.suffixes: dict[str, tuple[str, str]] = {}
        for rule in rules.suffixes:
            for word in rule.words:
                self.suffixes[word] = (rule.label, rule.id)
        self.patterns = [(p, regex.compile(p.pattern)) for p in rules.patterns]
        self.stop_words = rules.stop_words
        # one-character words (以, 在) stop a name only as whole tokens (stop_words), not as prefixes
        verbs = sorted({v for v in rules.verbs | set(actions) if len(v) > 1}, key=len, reverse=True)
        self.verb_re = regex.compile("|".join(regex.escape(v) for v in verbs) or "(?!)")

    def find(self, text: str, tokens: list[tuple[int, int]]) -> list[Entity]:
        """Entities on normalized `text`; `tokens` are the Doc's (start, end) character offsets."""
        found: list[tuple[Entity, int]] = []  # (entity, priority: 2 gazetteer, 1 pattern, 0 built)
        for end_index, (length, label, rule, normalized, code) in self.automaton.iter(text):
            start = end_index - length + 1
            found.append((Entity(start, end_index + 1, label, rule, normalized, code), 2))
        for rule, pattern in self.patterns:
            for m in pattern.finditer(text):
                span = m.span("name") if "name" in pattern.groupindex else m.span()
                if rule.id == "person.byline":  # 记者 董艳竹 袁帅: one entity per name
                    for name in regex.finditer(r"\p{Han}+", text[span[0] : span[1]]):
                        if name.group() in BYLINE_ROLES:
                            continue
                        s = span[0] + name.start()
                        found.append((Entity(s, s + len(name.group()), rule.label, rule.id), 3))
                    continue
                found.append((Entity(span[0], span[1], rule.label, rule.id), 3))
        found += [(e, 0) for e in self._suffix_names(text, tokens)]
        return _resolve(found, tokens)

    def _suffix_names(self, text: str, tokens: list[tuple[int, int]]) -> list[Entity]:
        """推动|中原|科技城|建设 -> 中原科技城: tokens before a suffix, up to a stop word."""
        out = []
        for i, (s, e) in enumerate(tokens):
            word = text[s:e]
            hit = self.suffixes.get(word)
            cut = 0
            if hit is None:  # the suffix may end a longer token (宣传部 in 省委宣传部), not 局 in 布局
                for k in range(1, min(len(word), 6)):
                    # 宣传部 in 省委宣传部; a one-character suffix only ends a longer word (商务局)
                    if (len(word) - k >= 2 or len(word) >= 3) and word[k:] in self.suffixes \
                            and not any(word.endswith(x) for x in self.rules.suffix_exclude):
                        hit, cut = self.suffixes[word[k:]], k
                        break
            if hit is None:
                continue
            start = s if cut else None
            j = i - 1
            while j >= 0 and i - j <= 7:
                ts, te = tokens[j]
                piece = text[ts:te]
                if te != (start if start is not None else s) or not _is_name_piece(piece) \
                        or piece in self.stop_words or self.verb_re.match(piece):
                    break
                start = ts
                j -= 1
            if start is None or (start == s and not cut):
                continue  # a bare suffix (实验室, 机场) names nothing
            if hit[0] == "EVENT":  # 第136届广交会, 2024中关村论坛: the edition belongs to the name
                edition = EDITION.search(text, max(0, start - 10), start)
                if edition:
                    start = edition.start()
            out.append(Entity(start, e, hit[0], hit[1]))
        return out


def _is_name_piece(piece: str) -> bool:
    return bool(regex.fullmatch(r"[\p{Han}A-Za-z0-9·—()（）-]+", piece)) and not regex.search(r"\d", piece)


def _resolve(found: list[tuple[Entity, int]], tokens) -> list[Entity]:
    """Longest first, then priority (patterns, gazetteers, built names), then label rank."""
    order = sorted(found, key=lambda f: (-(f[0].end - f[0].start), -f[1], LABEL_RANK[f[0].label],
                                         f[0].start))
    kept: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for entity, _ in order:
        if any(entity.start < e and s < entity.end for s, e in taken):
            continue
        kept.append(entity)
        taken.append((entity.start, entity.end))
    return sorted(kept, key=lambda e: e.start)


_MATCHERS: dict[str, EntityMatcher] = {}


def entity_matcher_for(rules: EntityRules, actions: tuple[str, ...] = ()) -> EntityMatcher:
    key = rules.fingerprint + str(hash(actions))
    if key not in _MATCHERS:
        _MATCHERS[key] = EntityMatcher(rules, actions)
    return _MATCHERS[key]
