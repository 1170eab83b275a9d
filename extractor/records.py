"""The record contract: one JSON object per quantity, grounded in the source by offsets.

`Record` is the typed model; `record_json_schema()` gives the JSON Schema that tests and users
validate output against (also written to docs/record.schema.json).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    # Reserved for the targets issue; null until then.
    kind: str | None = None
    indicator: str | None = None
    period: str | None = None
    subject: str | None = None

    def to_dict(self) -> dict:
        return self.model_dump()


def plain_number(value: Fraction | None) -> int | float | None:
    """Exact integers stay integers (16.4亿 -> 1640000000); others become floats."""
    if value is None:
        return None
    if value.denominator == 1:
        return int(value)
    return float(value)


def record_json_schema() -> dict:
    return Record.model_json_schema()
