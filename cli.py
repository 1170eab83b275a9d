"""zh-extract: the command line of zh-extractor.

Expected failures print one line `zh-extract: error: FILE[:LINE]: message` on stderr and exit 1;
usage errors keep click's exit code 2. stdout carries only data.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from extractor.errors import ExtractorError
from extractor.periods import DocDate

app = typer.Typer(
    name="zh-extract",
    help="Chinese quantities and targets as source-grounded JSON records.",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
)
models_app = typer.Typer(help="Optional segmenter models.", no_args_is_help=True)
app.add_typer(models_app, name="models")
rules_app = typer.Typer(help="Check, test and write rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

RulesOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="A rule folder layered over the bundled rules (repeatable)."),
]
SegmenterOpt = Annotated[
    str, typer.Option("--segmenter", help="jieba (default), pkuseg (optional extra) or char.")
]


def _error(message: str) -> None:
    for line in str(message).splitlines():
        typer.echo(f"zh-extract: error: {line}", err=True)


def _pipeline(rules: list[Path] | None, segmenter: str, latent: bool = False):
    from extractor import Pipeline

    try:
        return Pipeline(rules or [], segmenter=segmenter, latent=latent)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders of .txt files, or - for stdin.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="JSONL file to write, or - for stdout.")
    ] = "-",
    rules: RulesOpt = None,
    segmenter: SegmenterOpt = "jieba",
    latent: Annotated[bool, typer.Option(help="Also emit bare numbers without a unit.")] = False,
    glob: Annotated[str, typer.Option(help="Which files to read in folders.")] = "*.txt",
    date: Annotated[
        str | None, typer.Option(help="The articles' date (YYYY[-MM[-DD]]), for 今年/近三年 and kinds.")
    ] = None,
    subject: Annotated[str | None, typer.Option(help="The articles' main subject (郑州市).")] = None,
    no_targets: Annotated[bool, typer.Option("--no-targets", help="Quantities only.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr.")] = False,
) -> None:
    """Extract quantity records from articles, one JSON object per line.

    \b
    Examples:
      zh-extract extract corpus/ -o records.jsonl
      echo "新增高新技术企业1000家以上" | zh-extract extract -
    """
    from extractor.pipeline import records_from_doc
    from extractor.reader import read_documents

    pipe = _pipeline(rules, segmenter, latent)
    pipe.targets = not no_targets
    try:
        doc_date = DocDate.parse(date)
    except ValueError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    done = failed = count = 0
    sink = nullcontext(sys.stdout) if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    with sink as out:
        for item in read_documents(inputs, glob):
            if isinstance(item, ExtractorError):
                _error(str(item))
                failed += 1
                continue
            if item.encoding != "utf-8" and not quiet:
                typer.echo(f"zh-extract: note: {item.path}: decoded as {item.encoding}", err=True)
            try:
                doc = pipe.doc(item.text, date=doc_date, subject=subject)
                records = records_from_doc(doc, item.doc_id, pipe.targets)
            except (ExtractorError, TimeoutError) as exc:
                _error(f"{item.path}: {exc}")
                failed += 1
                continue
            except Exception as exc:  # a bug must not cost the other documents their records
                _error(f"{item.path}: internal error ({type(exc).__name__}: {exc}); please report it")
                failed += 1
                continue
            trace = doc._.quantity_trace
            for rule_id in trace.skipped if trace else ():
                _error(f"{item.path}: rule {rule_id} timed out; skipped for this document")
            for record in records:
                out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
            count += len(records)
            done += 1
    if not quiet:
        typer.echo(f"zh-extract: {count} records from {done} documents ({failed} failed)", err=True)
    if done == 0:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    corpus: Annotated[Path, typer.Argument(help="A corpus folder with gold/ beside the articles.")] = Path(
        "corpus"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List misses and wrong values.")] = False,
    rules: RulesOpt = None,
    segmenter: SegmenterOpt = "jieba",
) -> None:
    """Score the pipeline against the hand-checked gold in CORPUS.

    \b
    Examples:
      zh-extract eval
      zh-extract eval corpus/ --json
    """
    from extractor.evaluate import evaluate

    pipe = _pipeline(rules, segmenter)
    try:
        result = evaluate(corpus, pipe)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    rows = [*result["documents"].items(), ("OVERALL", result["overall"])]
    tables = [
        ["precision", "recall", "f1", "value_accuracy", "comparator_accuracy", "change_accuracy",
         "trap_false_positives", "gold", "predicted"],
        ["kind_accuracy", "indicator_exact", "indicator_lenient", "period_accuracy",
         "period_norm_accuracy", "subject_accuracy"],
        ["target_precision", "target_recall", "target_f1", "targets_gold", "targets_predicted"],
    ]
    width = max(len(name) for name, _ in rows)
    for columns in tables:
        if not any(c in fig for _, fig in rows for c in columns):
            continue
        typer.echo(f"{'document':<{width}}  " + "  ".join(f"{c[:10]:>10}" for c in columns))
        for name, fig in rows:
            typer.echo(f"{name:<{width}}  " + "  ".join(f"{fig.get(c, '-'):>10}" for c in columns))
        typer.echo("")
    for mode, labels in result.get("entities", {}).items():
        typer.echo(f"entities ({mode})  " + "  ".join(f"{c:>9}" for c in ("precision", "recall", "f1",
                                                                             "gold", "predicted")))
        for label, fig in labels.items():
            typer.echo(f"{label:<18}  " + "  ".join(f"{fig[c]:>9}" for c in ("precision", "recall", "f1",
                                                                            "gold", "predicted")))
        typer.echo("")
    if show_errors:
        for kind in ("misses", "spurious", "wrong"):
            for line in result[kind]:
                typer.echo(f"{kind}: {line}")


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="A sentence (or - to read stdin).")],
    rules: RulesOpt = None,
    segmenter: SegmenterOpt = "jieba",
) -> None:
    """Show how a sentence is read: tokens, traps, kept and dropped candidates, records.

    \b
    Example:
      zh-extract explain "力争新签约项目总额突破8000亿元,“1号”产业"
    """
    from extractor.pipeline import records_from_doc

    if text == "-":
        text = sys.stdin.read()
    pipe = _pipeline(rules, segmenter, latent=True)
    doc = pipe.doc(text)
    found = doc._.quantity_trace
    typer.echo("tokens:   " + " | ".join(t.text for t in doc))

    def where(start: int, end: int) -> str:
        return f"{text[start:end]!r} [{start}:{end}]"

    for trap in found.traps:
        typer.echo(f"trap:     {where(trap.start, trap.end)} {trap.trap} ({trap.rule})")
    for cand in found.kept:
        typer.echo(f"kept:     {where(cand.start, cand.end)} {', '.join(cand.rules)}")
    for drop in found.dropped:
        typer.echo(f"dropped:  {where(drop.candidate.start, drop.candidate.end)} "
                   f"{drop.candidate.rule}: {drop.reason}")
    hidden = ("sentence", "doc_id")
    for record in records_from_doc(doc):
        if record.type == "target":
            typer.echo(f"target:   {record.id} {record.text!r} ({record.cue}, {record.rule})")
        elif record.type == "entity":
            typer.echo(f"entity:   {record.label} {record.text!r} ({record.rule})")
        elif not record.latent:
            shown = {k: v for k, v in record.to_dict().items() if v is not None and k not in hidden}
            typer.echo("record:   " + json.dumps(shown, ensure_ascii=False))


@app.command()
def panel(
    records: Annotated[str, typer.Argument(help="A records file written by `zh-extract extract`.")],
    output: Annotated[str, typer.Option("--output", "-o", help="A .csv or .parquet file.")] = "targets.csv",
) -> None:
    """One row per target quantity: subject, period, indicator, value, unit, comparator …

    \b
    Examples:
      zh-extract extract reports/ -o records.jsonl && zh-extract panel records.jsonl -o targets.csv
      zh-extract panel records.jsonl -o targets.parquet
    """
    from extractor.panel import panel_file

    try:
        rows = panel_file(records, output)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    typer.echo(f"zh-extract: {rows} target rows written to {output}", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record.

    \b
    Example:
      zh-extract schema > record.schema.json
    """
    from extractor.records import record_json_schema

    typer.echo(json.dumps(record_json_schema(), ensure_ascii=False, indent=2))


@models_app.command("pkuseg")
def models_pkuseg(
    dest: Annotated[Path | None, typer.Option(help="Where to put the model.")] = None,
) -> None:
    """Fetch the pkuseg 'default' model from the package index for --segmenter pkuseg.

    \b
    Example:
      pip install 'zh-extractor[pkuseg]' && zh-extract models pkuseg
    """
    from extractor.models import fetch_pkuseg_model

    try:
        path = fetch_pkuseg_model(dest)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    typer.echo(f"pkuseg model ready at {path}", err=True)


def _rule_dirs(folder: Path | None) -> tuple[list[str], bool]:
    """A researcher's folder is checked layered over the bundled rules; no folder: the bundled."""
    return ([str(folder)], True) if folder else ([], True)


@rules_app.command("check")
def rules_check(
    folder: Annotated[Path | None, typer.Argument(help="A rule folder (default: the bundled rules).")] = None,
) -> None:
    """Validate every rule file, compile every pattern, probe patterns for catastrophic
    backtracking and resolve every example; one line per problem, exit 1 on any.

    \b
    Examples:
      zh-extract rules check
      zh-extract rules check my_rules/
    """
    from extractor import Pipeline, load_rules
    from extractor.entities import load_entity_rules
    from extractor.ruletest import run_examples, slow_patterns, unknown_units

    dirs, _ = _rule_dirs(folder)
    try:
        rules = load_rules(dirs)
        load_entity_rules(dirs)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    problems = []
    for entry_id, problem in [*unknown_units(rules), *slow_patterns(rules)]:
        where = rules.locations.get(entry_id)
        problems.append(f"{where.file}:{where.line}: [{entry_id}] {problem}" if where else problem)
    problems += [str(f) for f in run_examples(Pipeline(dirs), rules)]
    for problem in problems:
        _error(problem)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"zh-extract: rules OK ({sum(1 for _ in rules.entries())} entries)", err=True)


@rules_app.command("test")
def rules_test(
    folder: Annotated[Path | None, typer.Argument(help="A rule folder (default: the bundled rules).")] = None,
) -> None:
    """Run every entry's examples and not-texts; print each failure as expected vs got.

    \b
    Examples:
      zh-extract rules test
      zh-extract rules test my_rules/
    """
    from extractor import Pipeline, load_rules
    from extractor.ruletest import run_examples

    dirs, _ = _rule_dirs(folder)
    try:
        rules = load_rules(dirs)
        failures = list(run_examples(Pipeline(dirs), rules))
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    total = sum(len(e.examples) + len(e.not_) for e in rules.entries())
    for failure in failures:
        typer.echo(f"FAIL {failure}")
    typer.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    if failures:
        raise typer.Exit(1)


@rules_app.command("new")
def rules_new(
    kind: Annotated[str, typer.Argument(help="units, bounds, changes, patterns, traps, periods, cues…")],
    name: Annotated[Path, typer.Argument(help="The rule folder to write into (created if missing).")],
) -> None:
    """Write a commented template for a new rule file of KIND into the folder NAME.

    \b
    Example:
      zh-extract rules new units my_rules && zh-extract rules check my_rules
    """
    from extractor.templates import TEMPLATES

    if kind not in TEMPLATES:
        _error(f"unknown rule kind {kind!r}; choose one of {', '.join(TEMPLATES)}")
        raise typer.Exit(2)
    target = name / ("entities" if kind == "entities" else "") / f"{kind}.yaml"
    if target.exists():
        _error(f"{target}: exists already; not overwritten")
        raise typer.Exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATES[kind], encoding="utf-8")
    typer.echo(f"wrote {target}", err=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
