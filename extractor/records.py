"""The record contract: one JSON object per quantity, grounded in the source by offsets.

`Record` is the typed model; `record_json_schema()` gives the JSON Schema that tests and users
validate output against (also written to docs/record.schema.json).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

META = "The input row's metadata (--meta date --meta source); absent when there is none."


class Record(BaseModel):
    """A quantity mention; `source[start:end] == text` on the original input."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str | None = Field(description="Document id (file path relative to the input root).")
    type: Literal["quantity"] = "quantity"
    text: str = Field(description="The mention as written, bound words included.")
    start: int = Field(description="Character offset of the mention in the text as read.")
    end: int = Field(description="Character offset just past the mention.")
    sentence: str = Field(description="The sentence the mention stands in.")
    number: float | int = Field(description="The numeral as written with 万/亿 applied.")
    value: float | int = Field(description="The quantity in the canonical unit (low end of a range).")
    value_max: float | int | None = Field(description="High end of a range or vague numeral.")
    unit: str | None = Field(description="Canonical unit (CNY, kg, m2, %, pp, rank, 家 ...).")
    unit_text: str | None = Field(description="The unit as written, multiplier included (万吨).")
    dimension: str = Field(description="money, percent, count, mass, rank, number ...")
    comparator: Literal["=", ">", ">=", "<", "<=", "~", "range"]
    change: bool = Field(description="True when the number is a growth or decline.")
    direction: Literal["up", "down"] | None = Field(default=None, description="Of a change.")
    rule: str = Field(description="Id of the rule entry that produced the record.")
    rules: list[str] = Field(default_factory=list, description="Every rule entry that took part.")
    latent: bool = Field(default=False, description="A bare number, emitted only on request.")
    kind: Literal["target", "forecast", "actual", "other"] | None = Field(
        default=None, description="A goal set by an actor, a prediction, a reported figure, or other."
    )
    kind_rule: str | None = Field(default=None, description="The cue id (or period/document) behind kind.")
    indicator: str | None = Field(default=None, description="What is measured, as written.")
    indicator_start: int | None = None
    indicator_end: int | None = None
    period: str | None = Field(default=None, description="When the figure holds, as written.")
    period_norm: str | None = Field(default=None, description="2024, 2024-01/2024-08, 2021/2025 ...")
    subject: str | None = Field(default=None, description="Whose figure it is (place or body).")
    target_id: str | None = Field(default=None, description="The target statement it belongs to.")
    meta: dict[str, Any] | None = Field(default=None, description=META)

    def to_dict(self) -> dict:
        return _dump(self)


class TargetRecord(BaseModel):
    """A target clause with no number of its own (争创综合性国家科学中心)."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str | None
    type: Literal["target"] = "target"
    id: str = Field(description="Id that quantity records' target_id point to (T1, T2 ...).")
    text: str
    start: int
    end: int
    sentence: str
    cue: str = Field(description="The word that makes the clause a target (争创, 加快, 将 ...).")
    rule: str = Field(description="The cue entry id, or the passage/document scope it came from.")
    action: str | None = Field(description="The leading action verb (加快, 推动 ...).")
    object: str | None = Field(description="What the action is about.")
    subject: str | None = None
    period: str | None = None
    period_norm: str | None = None
    meta: dict[str, Any] | None = Field(default=None, description=META)

    def to_dict(self) -> dict:
        return _dump(self)


class EntityRecord(BaseModel):
    """A named entity (OntoNotes label), grounded like every record."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str | None
    type: Literal["entity"] = "entity"
    label: Literal["PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT", "NORP", "PRODUCT"]
    text: str
    start: int
    end: int
    sentence: str
    rule: str = Field(description="The gazetteer, suffix or pattern id that found it.")
    normalized: str | None = Field(default=None, description="Canonical name (豫 -> 河南省).")
    code: str | None = Field(default=None, description="Administrative division code (410100).")
    meta: dict[str, Any] | None = Field(default=None, description=META)

    def to_dict(self) -> dict:
        return _dump(self)


class ErrorRecord(BaseModel):
    """A document that could not be processed; the batch went on without it."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str | None
    type: Literal["error"] = "error"
    reason: str = Field(description="What went wrong, in one line.")
    error: str = Field(description="The kind of failure: InputError, TimeoutError, or a bug's exception.")
    file: str | None = Field(default=None, description="The input file (or <stdin>).")
    line: int | None = Field(default=None, description="The line (JSONL) or row's first line (CSV).")
    meta: dict[str, Any] | None = Field(default=None, description=META)

    def to_dict(self) -> dict:
        return _dump(self)


RECORD_TYPES = (Record, TargetRecord, EntityRecord, ErrorRecord)


def _dump(record: BaseModel) -> dict:
    """The record as a dict; `meta` only when the input carried some, so plain runs are unchanged."""
    out = record.model_dump()
    if out.get("meta") is None:
        out.pop("meta", None)
    return out


def plain_number(value: Fraction | None) -> int | float | None:
    """Exact integers stay integers (16.4亿 -> 1640000000); others become floats."""
    if value is None:
        return None
    if value.denominator == 1:
        return int(value)
    return float(value)


def record_json_schema() -> dict:
    """One schema for every kind of line: a quantity, a target statement, an entity or an error."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Record | TargetRecord | EntityRecord | ErrorRecord).json_schema()
    schema["title"] = "Record"
    return schema
