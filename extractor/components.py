"""The registered spaCy component `zh_quantities`: candidates on characters, spans on tokens.

`find(doc)` is pure (candidates plus what was dropped and why); `apply(doc, found)` writes
`doc.spans["quantities"]`, `doc._.quantities` and `doc._.quantity_trace`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .normalize import normalize
from .quantities import Candidate, Found, matcher_for
from .rules import load_rules

SPANS_KEY = "quantities"

for _name in ("quantities", "quantity_trace"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Span.has_extension("quantity"):
    Span.set_extension(
        "quantity",
        getter=lambda span: next(
            (c for c in span.doc._.quantities or () if span.start_char <= c.start < span.end_char),
            None,
        ),
    )


class QuantityComponent:
    def __init__(self, rules: list[str], latent: bool, timeout: float | None) -> None:
        self.matcher = matcher_for(load_rules(rules))
        self.latent = latent
        self.timeout = timeout

    def find(self, doc: Doc) -> Found:
        text = doc._.zh_norm if doc._.zh_norm is not None else normalize(doc.text)
        return self.matcher.find(text, latent=self.latent, timeout=self.timeout)

    def apply(self, doc: Doc, found: Found) -> None:
        spans = []
        for cand in found.kept:
            span = doc.char_span(cand.start, cand.end, label="QUANTITY", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc._.quantities = found.kept
        doc._.quantity_trace = found

    def __call__(self, doc: Doc) -> Doc:
        self.apply(doc, self.find(doc))
        return doc


@Language.factory(
    "zh_quantities",
    default_config={"rules": [], "latent": False, "timeout": 30.0},
    assigns=["doc.spans", "doc._.quantities"],
)
def make_quantities(
    nlp: Language, name: str, rules: list[str], latent: bool, timeout: float | None
) -> QuantityComponent:
    return QuantityComponent(rules, latent, timeout)


def candidates(doc: Doc) -> list[Candidate]:
    return list(doc._.quantities or [])
