"""zh-extract: the command line of zh-extractor.

Expected failures print one line `zh-extract: error: FILE[:LINE]: message` on stderr and exit 1;
usage errors keep click's exit code 2. stdout carries only data.
"""

from __future__ import annotations

import json
import sys
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
    str,
    typer.Option(
        "--segmenter",
        help="jieba (default; run by jieba-rs when installed), jieba-py (jieba's own Python), "
        "pkuseg (optional extra) or char.",
    ),
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
    inputs: Annotated[list[str], typer.Argument(
        help="Files, folders (recursive), .jsonl/.jsonl.gz/.csv tables of texts, or - for stdin.")],
    output: Annotated[str, typer.Option(
        "--output", "-o", help="Records file (.jsonl, .csv, .parquet), a folder with --engine dask, "
        "or - for JSONL on stdout.")] = "-",
    fmt: Annotated[str | None, typer.Option(
        "--format", help="jsonl, csv or parquet (default: by the output's extension).")] = None,
    rules: RulesOpt = None,
    segmenter: SegmenterOpt = "jieba",
    latent: Annotated[bool, typer.Option(help="Also emit bare numbers without a unit.")] = False,
    glob: Annotated[str, typer.Option(help="Which files to read in folders ('*.jsonl', '*.*').")] = "*.txt",
    date: Annotated[
        str | None, typer.Option(help="The articles' date (YYYY[-MM[-DD]]), for 今年/近三年 and kinds.")
    ] = None,
    subject: Annotated[str | None, typer.Option(help="The articles' main subject (郑州市).")] = None,
    no_targets: Annotated[bool, typer.Option("--no-targets", help="Quantities only.")] = False,
    text_field: Annotated[str, typer.Option(help="Tables: the field or column holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(
        help="Tables: the document id field (else FILE:LINE).")] = "id",
    meta: Annotated[list[str] | None, typer.Option(
        "--meta", help="Tables: a field carried into every record's meta (repeatable); a `date` field "
        "is also the article's date.")] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", help="Worker processes (0: all cores; 1: in this process).")] = 0,
    order: Annotated[bool, typer.Option(
        "--order/--no-order", help="Records in input order, or as documents finish (faster).")] = True,
    resume: Annotated[bool, typer.Option(
        help="Continue an interrupted run into the same output: skip the documents it has.")] = False,
    batch_size: Annotated[int, typer.Option(
        help="Documents per batch (per write and per worker task).")] = 32,
    manifest: Annotated[str | None, typer.Option(
        help="Where to write the run's manifest (default: OUTPUT.run.json).")] = None,
    engine: Annotated[str, typer.Option(help="local (default) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="--engine dask: the scheduler's address (default: a local cluster).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notes or progress bar on stderr.")] = False,
) -> None:
    """Extract quantity records from articles, one JSON object per line (or CSV, Parquet rows).

    Exit code: 0 all documents done, 1 none could be processed, 3 some failed (each failed
    document is an error record in the output and a line on stderr). See docs/batch.md.

    \b
    Examples:
      zh-extract extract corpus/ -o records.jsonl
      echo "新增高新技术企业1000家以上" | zh-extract extract -
      zh-extract extract news.jsonl.gz --meta date --meta source -o records.parquet --jobs 4
      zh-extract extract big/ --glob '*.jsonl' -o records.jsonl --resume
    """
    from extractor.batch import Options, run
    from extractor.reader import Fields

    try:
        DocDate.parse(date)
    except ValueError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    if engine not in ("local", "dask"):
        _error(f"unknown engine {engine!r}; choose local or dask")
        raise typer.Exit(2)
    options = Options(rules=tuple(str(r) for r in rules or ()), segmenter=segmenter, latent=latent,
                      targets=not no_targets, date=date, subject=subject)
    fields = Fields(text=text_field, id=id_field, meta=tuple(meta or ()))

    def log(level: str, message: str) -> None:
        if level == "error" or not quiet:
            typer.echo(f"zh-extract: {level}: {message}", err=True)

    try:
        if engine == "dask":
            from extractor.dask_engine import run_dask

            result = run_dask(inputs, output, scheduler=scheduler, workers=jobs or None, fmt=fmt,
                              fields=fields, glob=glob, options=options, resume=resume, manifest=manifest,
                              log=log)
        else:
            result = run(inputs, output, jobs=jobs or None, ordered=order, resume=resume, fmt=fmt,
                         fields=fields, glob=glob, options=options, batch_size=max(batch_size, 1),
                         manifest=manifest, progress=not quiet and sys.stderr.isatty(), log=log)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _error("interrupted; the batches written are kept: continue with --resume")
        raise typer.Exit(130) from None
    docs = result.counts["documents"]
    if not quiet:
        count = sum(result.counts["records"].values())
        typer.echo(f"zh-extract: {count} records from {docs['ok']} documents ({docs['failed']} failed)",
                   err=True)
    raise typer.Exit(result.exit_code)


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


def _is_records_file(path: Path) -> bool:
    """A records file by its suffix, else by a first line that is a JSON record."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return True
    try:
        with open(path, encoding="utf-8") as handle:
            first = next((line for line in handle if line.strip()), "")
        rec = json.loads(first)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(rec, dict) and "start" in rec and "type" in rec


def _write_html(page: str, output: str) -> None:
    if output == "-":
        sys.stdout.write(page)
        return
    try:
        Path(output).write_text(page, encoding="utf-8")
    except OSError as exc:
        _error(f"{output}: cannot write: {exc.strerror or exc}")
        raise typer.Exit(1) from None


@app.command()
def show(
    source: Annotated[str, typer.Argument(
        help="An article (.txt, or - for stdin), or a records file written by `zh-extract extract`.")],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="HTML file to write (default: NAME.html here; - for stdout).")] = None,
    doc: Annotated[str | None, typer.Option(
        "--doc", help="With a records file: which document (its doc_id).")] = None,
    text: Annotated[Path | None, typer.Option(
        "--text", help="With a records file: the article itself, for the full text (else the "
        "records' sentences are shown); records that do not match it are named, exit code 1.")] = None,
    title: Annotated[str | None, typer.Option(help="The page's title (default: the document id).")] = None,
    rules: RulesOpt = None,
    segmenter: SegmenterOpt = "jieba",
    date: Annotated[
        str | None, typer.Option(help="The article's date (YYYY[-MM[-DD]]), for 今年/近三年 and kinds.")
    ] = None,
    subject: Annotated[str | None, typer.Option(help="The article's main subject (郑州市).")] = None,
) -> None:
    """Write an offline HTML page of one article with every quantity, target statement, time
    expression and entity highlighted: click one for its card, filter and sort the side table.

    \b
    Examples:
      zh-extract show corpus/003_db721301c3884bac.txt -o article.html
      zh-extract show records.jsonl --doc 003_db721301c3884bac -o article.html
      zh-extract show records.jsonl --doc 003_db721301c3884bac --text corpus/003_db721301c3884bac.txt
    """
    from extractor.reader import decode, read_documents
    from extractor.review import Review, safe_name

    path = Path(source)
    if source != "-" and path.is_file() and _is_records_file(path):
        from extractor.panel import read_records

        try:
            records = list(read_records(source))
        except ExtractorError as exc:
            _error(str(exc))
            raise typer.Exit(1) from None
        ids = list(dict.fromkeys(r.get("doc_id") for r in records if isinstance(r, dict)))
        if doc is None and len(ids) == 1:
            doc = ids[0]
        if doc is None or doc not in ids:
            listed = ", ".join(str(i) for i in ids[:10]) + (f" … ({len(ids)} in all)" * (len(ids) > 10))
            why = f"no document {doc!r}" if doc is not None else f"{len(ids)} documents; choose with --doc"
            _error(f"{source}: {why}: {listed or 'no records'}")
            raise typer.Exit(1)
        records = [r for r in records if r.get("doc_id") == doc]
        article = None
        if text is not None:
            try:
                article, _ = decode(text.read_bytes(), str(text))
            except ExtractorError as exc:
                _error(str(exc))
                raise typer.Exit(1) from None
            except OSError as exc:
                _error(f"{text}: cannot read: {exc.strerror or exc}")
                raise typer.Exit(1) from None
        review = Review.from_records(records, article, doc_id=doc, title=title)
        default = f"{safe_name(doc)}.html"
    else:
        if doc is not None or text is not None:
            _error("--doc and --text go with a records file; an article is read as it is")
            raise typer.Exit(2)
        try:
            doc_date = DocDate.parse(date)
        except ValueError as exc:
            _error(str(exc))
            raise typer.Exit(2) from None
        items = list(read_documents([source]))
        if len(items) != 1 or isinstance(items[0], ExtractorError):
            _error(str(items[0]) if items and isinstance(items[0], ExtractorError)
                   else f"{source}: one article, please (use a records file for a folder)")
            raise typer.Exit(1)
        item = items[0]
        pipe = _pipeline(rules, segmenter)
        try:
            review = pipe.review(item.text, item.doc_id, date=doc_date, subject=subject)
        except (ExtractorError, TimeoutError) as exc:
            _error(f"{item.path}: {exc}")
            raise typer.Exit(1) from None
        review.title = title or (review.title if item.doc_id != "-" else "stdin")
        default = f"{safe_name(item.doc_id if item.doc_id != '-' else 'stdin')}.html"
    output = output or default
    _write_html(review.html(), output)
    for warning in review.warnings[:5]:
        _error(f"{source}: {warning}")
    if len(review.warnings) > 5:
        _error(f"{source}: … {len(review.warnings) - 5} more records do not match (listed on the page)")
    typer.echo(f"zh-extract: {output}: {review!r}", err=True)
    if review.warnings:  # the page is written, but records and text disagree
        raise typer.Exit(1)


@app.command()
def report(
    records: Annotated[list[str], typer.Argument(help="Records files written by `zh-extract extract`.")],
    output: Annotated[str, typer.Option("--output", "-o", help="HTML file to write (- for stdout).")] = (
        "report.html"),
    log: Annotated[Path | None, typer.Option(
        help="The stderr of the run (2> extract.log): its errors go into the report.")] = None,
    pages: Annotated[Path | None, typer.Option(
        help="Also write one article page per document into this folder, linked from the report.")] = None,
    texts: Annotated[Path | None, typer.Option(
        help="With --pages: the folder the articles were read from (DOC_ID.txt), for the full text.")] = None,
    top: Annotated[int, typer.Option(help="How many indicators, subjects … to list.")] = 25,
) -> None:
    """Write an offline HTML report of a run: counts by type, kind, unit and subject, the most
    frequent indicators, errors, and a table of targets that filters and exports as CSV.

    \b
    Examples:
      zh-extract extract corpus/ -o records.jsonl 2> extract.log
      zh-extract report records.jsonl --log extract.log -o report.html
      zh-extract report records.jsonl --pages pages/ --texts corpus/ -o report.html
    """
    import os

    from extractor.reader import decode
    from extractor.review import Review, load_records, log_errors, report_page, safe_name

    for name in records:
        if not Path(name).is_file():
            _error(f"{name}: no such file")
            raise typer.Exit(1)
    rows, errors = load_records(records)
    if log is not None:
        try:
            errors = log_errors(log) + errors
        except OSError as exc:
            _error(f"{log}: cannot read: {exc.strerror or exc}")
            raise typer.Exit(1) from None
    links: dict[str, str] = {}
    if pages is not None:
        pages.mkdir(parents=True, exist_ok=True)
        base = Path(output).resolve().parent if output != "-" else Path.cwd()
        by_doc: dict[str, list[dict]] = {}
        for r in rows:
            by_doc.setdefault(r.get("doc_id") or "-", []).append(r)
        for doc_id, recs in by_doc.items():
            article = None
            source = texts / f"{doc_id}.txt" if texts is not None else None
            if source is not None and source.is_file():
                try:
                    article, _ = decode(source.read_bytes(), str(source))
                except ExtractorError as exc:
                    errors.append(str(exc))
            review = Review.from_records(recs, article, doc_id=doc_id)
            page = pages / f"{safe_name(doc_id)}.html"
            page.write_text(review.html(), encoding="utf-8")
            errors += [f"{doc_id}: {w}" for w in review.warnings]
            links[doc_id] = Path(os.path.relpath(page.resolve(), base)).as_posix()
    source = ", ".join(records)
    _write_html(report_page(rows, errors=errors, source=source, pages=links, top=top), output)
    where = f" and {len(links)} pages in {pages}" if pages is not None else ""
    typer.echo(f"zh-extract: {output}{where}: {len(rows)} records, {len(errors)} errors", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record.

    \b
    Example:
      zh-extract schema > record.schema.json
    """
    from extractor.records import record_json_schema

    typer.echo(json.dumps(record_json_schema(), ensure_ascii=False, indent=2))


@app.command()
def bench(
    mb: Annotated[
        list[float] | None,
        typer.Option("--mb", help="Size of generated text in MB (repeatable: --mb 1 --mb 10)."),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option(help="Worker processes for the N-jobs run (default: all cores).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the results as JSON.")] = None,
) -> None:
    """Measure speed and memory on text generated from the bundled corpus (no download).

    The whole pipeline with 1 and N jobs (characters/s, documents/s, peak RSS per worker), jieba.lcut
    alone on the same text, a regex scan of numbers, start-up and rule compile times.

    \b
    Example:
      zh-extract bench --mb 1 --mb 10 -o bench/results.json
    """
    from extractor.benchmark import main as run_bench

    try:
        run_bench(mb or [1.0], jobs, out)
    except (FileNotFoundError, RuntimeError) as exc:
        _error(str(exc))
        raise typer.Exit(1) from None


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


def _rules_for(folder: Path | None):
    """The rule folders and rule set to check: a researcher's folder layered over the bundled
    rules, or the bundled rules alone; a broken file is a one-line error per problem, exit 1."""
    from extractor import load_rules
    from extractor.entities import load_entity_rules

    dirs = [str(folder)] if folder else []
    try:
        rules = load_rules(dirs)
        load_entity_rules(dirs)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    return dirs, rules


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
    from extractor import Pipeline
    from extractor.entities import load_entity_rules
    from extractor.ruletest import run_entity_examples, run_examples, slow_patterns, unknown_units

    dirs, rules = _rules_for(folder)
    problems = []
    for entry_id, problem in [*unknown_units(rules), *slow_patterns(rules)]:
        where = rules.locations.get(entry_id)
        problems.append(f"{where.file}:{where.line}: [{entry_id}] {problem}" if where else problem)
    pipe = Pipeline(dirs)
    problems += [str(f) for f in run_examples(pipe, rules)]
    problems += [str(f) for f in run_entity_examples(pipe, load_entity_rules(dirs))]
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
    from extractor import Pipeline
    from extractor.ruletest import run_examples

    dirs, rules = _rules_for(folder)
    failures = list(run_examples(Pipeline(dirs), rules))
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
