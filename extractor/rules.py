"""Read, validate and merge the rule files into one frozen `RuleSet`.

Rule files are data (YAML). Every entry is checked against a typed model at load time; all
problems across all files are reported together, each as `file:line: message`. Researchers'
folders are layered over the bundled one: an entry with the same id replaces the bundled one,
`disabled: true` removes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import regex
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from .errors import RuleError

Comparator = Literal["=", ">", ">=", "<", "<=", "~", "range"]
RULE_FILES = (
    "numerals", "units", "bounds", "changes", "patterns", "traps", "periods", "cues", "subjects",
)


def bundled_rules_dir() -> Path:
    """The rules shipped with the package (inside the wheel) or beside it (source checkout)."""
    inside = Path(__file__).parent / "rules"
    return inside if inside.is_dir() else Path(__file__).parent.parent / "rules"


# --------------------------------------------------------------------------- schema


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Example(_Entry):
    """`text` must yield exactly one record from the entry, with the fields given here."""

    text: str
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    comparator: Comparator | None = None
    change: bool | None = None
    kind: Literal["target", "forecast", "actual", "other"] | None = None
    target: bool | None = None  # a cues example without a number: is the clause a target statement?
    indicator: str | None = None
    subject: str | None = None
    date: Annotated[str | None, BeforeValidator(lambda v: None if v is None else str(v))] = None
    period: str | None = None
    period_norm: str | None = None
    note: str | None = None


class NumeralExample(_Entry):
    text: str
    number: float
    number_max: float | None = None
    comparator: Comparator | None = None


def _fraction(value: Any) -> Fraction:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a number or fraction: {value!r}") from exc


Factor = Annotated[Fraction, BeforeValidator(_fraction)]


class NumeralTables(_Entry):
    digits: dict[str, int]
    places: dict[str, int]
    magnitudes: dict[str, int]
    tens: dict[str, int] = {}
    decimal_point: str = "点"
    vague_prefix: list[str] = []
    vague_digit: str = "几"
    approx_suffix: list[str] = []
    examples: list[NumeralExample] = []


class _RuleEntry(_Entry):
    """What every rule entry may carry: examples, not-texts, a note, and a switch."""

    examples: list[Example] = []
    not_: list[str] = Field(default=[], alias="not")
    note: str | None = None
    disabled: bool = False


class Prefix(_Entry):
    id: str
    text: str
    factor: Factor
    disabled: bool = False


class Unit(_RuleEntry):
    id: str
    dimension: str
    canonical: str
    factor: Factor = Fraction(1)
    aliases: list[str] = Field(min_length=1)
    before: bool = False


class Counter(_RuleEntry):
    id: str
    dimension: str = "count"
    words: list[str] = Field(min_length=1)


class Bound(_RuleEntry):
    id: str
    comparator: Literal[">", ">=", "<", "<=", "~"]
    position: Literal["before", "after"]
    words: list[str] = Field(min_length=1)


class Change(_RuleEntry):
    id: str
    direction: Literal["up", "down"] | None = None
    words: list[str] = Field(min_length=1)
    dimensions: list[str] = []  # when given, the change applies only to these dimensions


class Pattern(_RuleEntry):
    id: str
    pattern: str
    normalizer: Literal["number", "fixed", "power_of_two", "fraction"]
    value: float | None = None
    unit: str | None = None
    dimension: str
    comparator: Comparator = "="
    change: bool = False
    direction: Literal["up", "down"] | None = None


class Trap(_RuleEntry):
    id: str
    trap: Literal["date", "period", "name", "label", "code", "enumeration", "ordinal"]
    pattern: str | None = None
    terms: list[str] = []


class Cue(_RuleEntry):
    id: str
    kind: Literal["target", "forecast", "actual", "other"]
    scope: Literal["clause", "sentence", "passage"] = "clause"
    weak: bool = False  # a weak cue yields to a target scope around it (累计 in a plan)
    after: bool = False  # also speaks for the figure right before it (…亿元，比上年增长…)
    words: list[str] = Field(min_length=1)


class Context(_RuleEntry):
    """A pattern right before or after a figure that settles its kind (完成全年目标的62%)."""

    id: str
    kind: Literal["target", "forecast", "actual", "other"]
    before: str | None = None
    after: str | None = None


class Period(_RuleEntry):
    id: str
    pattern: str
    normalizer: Literal[
        "year", "year_range", "by_year", "month", "month_range", "half", "quarter",
        "relative_year", "recent_years", "year_end", "plan", "plan_end", "to_date", "none",
    ]


class QuotedLabels(_RuleEntry):
    id: str = "trap.quoted_label"
    trap: Literal["label"] = "label"
    pairs: list[str]
    clause_punctuation: str
    implied_max_chars: int = 10
    digits_max_chars: int = 10

    @field_validator("pairs")
    @classmethod
    def _two_chars(cls, pairs: list[str]) -> list[str]:
        for pair in pairs:
            if len(pair) != 2:
                raise ValueError(f"a pair is an opening and a closing character, got {pair!r}")
        return pairs


# --------------------------------------------------------------------------- rule set


@dataclass(frozen=True)
class Located:
    """Where an entry came from, for error messages and `rules test`."""

    file: str
    line: int


@dataclass(frozen=True)
class RuleSet:
    numerals: NumeralTables
    prefixes: tuple[Prefix, ...]
    units: tuple[Unit, ...]
    counters: tuple[Counter, ...]
    bounds: tuple[Bound, ...]
    canonical_units: tuple[str, ...]
    link_words: tuple[str, ...]
    carry_over: tuple[str, ...]
    changes: tuple[Change, ...]
    patterns: tuple[Pattern, ...]
    traps: tuple[Trap, ...]
    quoted_labels: QuotedLabels | None
    periods: tuple[Period, ...]
    relative_years: dict[str, int]
    plans: dict[str, list[int]]
    cues: tuple[Cue, ...]
    context: tuple[Context, ...]
    indicator_strip: tuple[str, ...]
    actions: tuple[str, ...]
    indicator_tail: tuple[str, ...]
    indicator_split: tuple[str, ...]
    rank_verbs: tuple[str, ...]
    framing: tuple[str, ...]
    subject_places: tuple[str, ...]
    subject_suffixes: tuple[str, ...]
    locations: dict[str, Located] = field(compare=False, hash=False)
    fingerprint: str = ""

    def entries(self) -> Iterable[Any]:
        """Every entry that can carry examples, in file order."""
        yield from self.units
        yield from self.counters
        yield from self.bounds
        yield from self.changes
        yield from self.patterns
        yield from self.traps
        if self.quoted_labels is not None:
            yield self.quoted_labels
        yield from self.periods
        yield from self.cues
        yield from self.context

    def user_words(self) -> list[str]:
        """Words a segmenter should keep whole: units with and without multiplier prefixes."""
        words = {a for u in self.units for a in u.aliases if len(a) > 1}
        words |= {w for c in self.counters for w in c.words if len(w) > 1}
        for unit_word in [a for u in self.units if not u.before for a in u.aliases] + [
            w for c in self.counters for w in c.words
        ]:
            for p in self.prefixes:
                words.add(p.text + unit_word)
        return sorted(words)


# libyaml's parser when PyYAML was built with it (~10x faster: the rule files are most of start-up)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(SAFE_LOADER):
    """A YAML loader that remembers each mapping's line as `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _read_yaml(path: Path, problems: list[str]) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read: {exc}")
        return None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problems.append(f"{where}: bad YAML: {getattr(exc, 'problem', None) or exc}")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}:1: expected a mapping of sections at the top level")
        return None
    return data


def _validate(model: type[BaseModel], raw: Any, path: Path, problems: list[str]) -> Any:
    line = raw.get("__line__", 1) if isinstance(raw, dict) else 1
    try:
        return model.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        ident = raw.get("id") if isinstance(raw, dict) else None
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            who = f" [{ident}]" if ident else ""
            problems.append(f"{path}:{line}:{who} {loc}: {err['msg']}")
        return None


_SECTIONS: dict[str, dict[str, type[BaseModel]]] = {
    "units": {"prefixes": Prefix, "units": Unit, "counters": Counter},
    "bounds": {"bounds": Bound},
    "changes": {"changes": Change},
    "patterns": {"patterns": Pattern},
    "traps": {"traps": Trap},
    "periods": {"periods": Period},
    "cues": {"cues": Cue, "context": Context},
    "subjects": {},
}
_SCALARS = {
    "units": {"canonical_units"},
    "changes": {"link_words", "carry_over"},
    "traps": {"quoted_labels"},
    "periods": {"relative_years", "plans"},
    "cues": {"indicator_strip", "indicator_tail", "indicator_split", "rank_verbs", "actions", "framing"},
    "subjects": {"places", "suffixes"},
}


def _load_dir(
    folder: Path,
    merged: dict[str, dict[str, Any]],
    scalars: dict[str, Any],
    locations: dict[str, Located],
    problems: list[str],
) -> None:
    if not folder.is_dir():
        problems.append(f"{folder}: not a rule folder")
        return
    known = set(RULE_FILES)
    for path in sorted(folder.glob("*.yaml")):
        kind = path.stem
        if kind not in known:
            problems.append(f"{path}:1: unknown rule file; expected one of {', '.join(RULE_FILES)}")
            continue
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if kind == "numerals":
            tables = _validate(NumeralTables, data, path, problems)
            if tables is not None:
                scalars["numerals"] = tables
                locations["numerals"] = Located(str(path), 1)
            continue
        sections = _SECTIONS[kind]
        for key, raw in data.items():
            if key == "__line__":
                continue
            if key in _SCALARS.get(kind, ()):
                previous = scalars.get(key, (None, None))[0]
                if isinstance(previous, list) and isinstance(raw, list):
                    raw = previous + [w for w in raw if w not in previous]  # overlays add words
                elif isinstance(previous, dict) and isinstance(raw, dict):
                    raw = {**previous, **raw}
                scalars[key] = (raw, path)
                continue
            if key not in sections:
                allowed = ", ".join(list(sections) + sorted(_SCALARS.get(kind, ())))
                problems.append(f"{path}:{data['__line__']}: unknown section {key!r}; allowed: {allowed}")
                continue
            if not isinstance(raw, list):
                problems.append(f"{path}: section {key!r} must be a list of entries")
                continue
            seen_here: set[str] = set()
            for item in raw:
                entry = _validate(sections[key], item, path, problems)
                if entry is None:
                    continue
                line = item.get("__line__", 1)
                if entry.id in seen_here:
                    problems.append(f"{path}:{line}: [{entry.id}] duplicate id")
                    continue
                seen_here.add(entry.id)
                merged.setdefault(key, {})[entry.id] = entry  # later folders override by id
                locations[entry.id] = Located(str(path), line)


def _check_patterns(rules: RuleSet, problems: list[str]) -> None:
    from .patterns import compile_slots  # the slot expansion lives with the matcher

    for entry in [*rules.patterns, *rules.traps, *rules.periods, *rules.context]:
        where = rules.locations.get(entry.id, Located("?", 0))
        for key in ("pattern", "before", "after"):
            source = getattr(entry, key, None)
            if not source:
                continue
            try:
                compile_slots(source, rules.numerals)
            except (regex.error, KeyError, IndexError) as exc:
                problems.append(f"{where.file}:{where.line}: [{entry.id}] {key} does not compile: {exc}")


def load_rules(extra_dirs: Sequence[str | Path] = (), *, bundled: bool = True) -> RuleSet:
    """Load the bundled rules, then each folder of `extra_dirs` over them (cached)."""
    dirs = ([bundled_rules_dir()] if bundled else []) + [Path(d) for d in extra_dirs]
    stamp = tuple((str(p), _dir_hash(p)) for p in dirs)
    return _load_cached(stamp)


def _dir_hash(folder: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=16)
def _load_cached(stamp: tuple[tuple[str, str], ...]) -> RuleSet:
    problems: list[str] = []
    merged: dict[str, dict[str, Any]] = {}
    scalars: dict[str, Any] = {}
    locations: dict[str, Located] = {}
    for folder, _ in stamp:
        _load_dir(Path(folder), merged, scalars, locations, problems)

    if "numerals" not in scalars:
        problems.append("numerals.yaml: missing; no numeral tables were loaded")
    quoted = None
    if "quoted_labels" in scalars:
        raw, path = scalars["quoted_labels"]
        quoted = _validate(QuotedLabels, raw, path, problems)
        if quoted is not None:
            locations[quoted.id] = Located(str(path), raw.get("__line__", 1))
    word_lists: dict[str, tuple[str, ...]] = {}
    for key in ("canonical_units", "link_words", "carry_over", "indicator_strip", "indicator_tail",
                "indicator_split",
                "rank_verbs",
                "actions", "framing", "places", "suffixes"):
        if key in scalars:
            raw, path = scalars[key]
            if isinstance(raw, list) and all(isinstance(w, str) for w in raw):
                word_lists[key] = tuple(raw)
            else:
                problems.append(f"{path}: {key} must be a list of strings")
    tables: dict[str, dict] = {}
    for key, check in (("relative_years", int), ("plans", list)):
        if key in scalars:
            raw, path = scalars[key]
            raw = _strip_lines(raw)
            if isinstance(raw, dict) and all(isinstance(v, check) for v in raw.values()):
                tables[key] = raw
            else:
                problems.append(f"{path}: {key} must map words to {check.__name__} values")
    if problems:
        raise RuleError("\n".join(problems))

    def live(key: str) -> tuple:
        return tuple(e for e in merged.get(key, {}).values() if not e.disabled)

    rules = RuleSet(
        numerals=scalars["numerals"],
        prefixes=live("prefixes"),
        units=live("units"),
        counters=live("counters"),
        bounds=live("bounds"),
        canonical_units=word_lists.get("canonical_units", ()),
        link_words=word_lists.get("link_words", ()),
        carry_over=word_lists.get("carry_over", ()),
        changes=live("changes"),
        patterns=live("patterns"),
        traps=live("traps"),
        quoted_labels=None if quoted is None or quoted.disabled else quoted,
        periods=live("periods"),
        relative_years=tables.get("relative_years", {}),
        plans=tables.get("plans", {}),
        cues=live("cues"),
        context=live("context"),
        indicator_strip=word_lists.get("indicator_strip", ()),
        actions=word_lists.get("actions", ()),
        indicator_tail=word_lists.get("indicator_tail", ()),
        indicator_split=word_lists.get("indicator_split", ()),
        rank_verbs=word_lists.get("rank_verbs", ()),
        framing=word_lists.get("framing", ()),
        subject_places=word_lists.get("places", ()),
        subject_suffixes=word_lists.get("suffixes", ()),
        locations=locations,
        fingerprint=hashlib.sha1(repr(stamp).encode()).hexdigest()[:12],
    )
    _check_patterns(rules, problems)
    if problems:
        raise RuleError("\n".join(problems))
    return rules
