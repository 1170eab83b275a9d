"""Batch runs at corpus scale: many inputs, N worker processes, a resumable output, a manifest.

    from extractor.batch import Options, run
    manifest = run(["corpus/"], "records.jsonl", jobs=2, options=Options(date="2024"))
    manifest.exit_code        # 0 all ok, 1 nothing processed, 3 some documents failed

How a run survives a crash (`resume=True`): documents are read in a stable order and numbered;
they are processed in batches, and each batch's records are appended to the output in one write,
flushed and fsynced. Only then is one line appended (and fsynced) to the journal `OUTPUT.journal`:
the output's new size and the numbers of the batch's documents. A resumed run cuts the output back
to the size of the journal's last whole line (what lies past it is a batch never recorded) and
skips the documents the journal lists. So each document's records are in the output exactly once.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from .errors import ExtractorError
from .periods import DocDate
from .reader import Document, Failure, Fields, count_items, read_items, row_document
from .records import ErrorRecord
from .tokenizer import segmenter_backend
from .writers import format_for, jsonl_bytes, open_sink

EXIT_OK, EXIT_NOTHING, EXIT_SOME_FAILED = 0, 1, 3
MAX_ERRORS_LISTED = 10_000
Log = Callable[[str, str], None]  # (level: "error" | "note", message)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Options:
    """How each document is read: what builds the pipeline (in every worker) and the defaults
    of the article's date and subject. Picklable, so it travels to worker processes as is."""

    rules: tuple[str, ...] = ()
    segmenter: str = "jieba"
    latent: bool = False
    targets: bool = True
    date: str | None = None
    subject: str | None = None
    timeout: float | None = 30.0
    entities: bool = True

    def build(self):
        from .pipeline import Pipeline

        # records only: no spaCy Span objects (doc.spans) are built
        return Pipeline(list(self.rules), segmenter=self.segmenter, latent=self.latent, targets=self.targets,
                        timeout=self.timeout, entities=self.entities, spans=False)


@dataclass
class Outcome:
    """One document's result: its rows (records, or one error record) and the lines for stderr."""

    seq: int
    rows: list[dict]
    chars: int = 0
    failed: bool = False
    messages: list[tuple[str, str]] = field(default_factory=list)
    data: bytes | None = None  # the rows as JSONL, when a worker encoded them (rows then dropped)
    types: dict[str, int] | None = None

    def pack(self) -> Outcome:
        """Encode the rows in the worker: JSON encoding is then parallel, and the parent only writes."""
        self.data = jsonl_bytes(self.rows)
        self.types = dict(Counter(r["type"] for r in self.rows))
        if not self.failed:
            self.rows = []
        return self


# --------------------------------------------------------------------------- one document


def process_document(pipe, doc: Document, options: Options, seq: int = 0) -> Outcome:
    """Records of one document as dicts (with its metadata); any failure, a bug included, is an
    error record, so the batch goes on."""
    messages: list[tuple[str, str]] = []
    if doc.encoding != "utf-8":
        messages.append(("note", f"{doc.path}: decoded as {doc.encoding}"))
    date = _article_date(doc, options, messages)
    try:
        spacy_doc = pipe.doc(doc.text, date=date, subject=options.subject)
        from .pipeline import record_rows

        rows = record_rows(spacy_doc, doc.doc_id, pipe.targets)
    except (ExtractorError, TimeoutError) as exc:
        reason = exc.message if isinstance(exc, ExtractorError) else str(exc) or "timed out"
        return _failed(seq, doc.doc_id, reason, type(exc).__name__, doc.path, doc.line, doc.meta, doc.where)
    except Exception as exc:  # a bug must not cost the other documents their records
        reason = f"internal error ({type(exc).__name__}: {exc}); please report it"
        return _failed(seq, doc.doc_id, reason, type(exc).__name__, doc.path, doc.line, doc.meta, doc.where)
    trace = spacy_doc._.quantity_trace
    for rule_id in trace.skipped if trace else ():
        messages.append(("error", f"{doc.where}: rule {rule_id} timed out; skipped for this document"))
    if doc.meta:
        for row in rows:
            row["meta"] = doc.meta
    return Outcome(seq, rows, len(doc.text), False, messages)


def failure_outcome(failure: Failure, seq: int = 0) -> Outcome:
    err = failure.error
    return _failed(seq, failure.doc_id, err.message, type(err).__name__, err.file, err.line, failure.meta,
                   failure.where)


def _failed(seq, doc_id, reason, kind, file, line, meta, where) -> Outcome:
    record = ErrorRecord(doc_id=doc_id, reason=reason, error=kind, file=file, line=line, meta=meta or None)
    return Outcome(seq, [record.to_dict()], 0, True, [("error", f"{where}: {reason}")])


_DATE = re.compile(r"^\s*(\d{4})(?:[-/.年](\d{1,2}))?(?:[-/.月](\d{1,2}))?")


def _article_date(doc: Document, options: Options, messages: list) -> DocDate | None:
    """The row's `date` metadata (2024-03-05, 2024/3/5, 2024-03-05T08:00, 2024年3月) if it has
    one, else the run's --date."""
    default = DocDate.parse(options.date) if options.date else None
    value = (doc.meta or {}).get("date")
    if value in (None, ""):
        return default
    m = _DATE.match(str(value))
    try:
        return DocDate.parse("-".join(g for g in m.groups() if g)) if m else _not_a_date(value)
    except ValueError:
        shown = options.date or "no date"
        messages.append(("note", f"{doc.where}: date {value!r} not understood; using {shown}"))
        return default


def _not_a_date(value: object):
    raise ValueError(value)


def run_batch(pipe, items: list[tuple[int, Document | Failure]], options: Options) -> list[Outcome]:
    return [
        failure_outcome(item, seq) if isinstance(item, Failure)
        else process_document(pipe, item, options, seq)
        for seq, item in items
    ]


_PIPELINES = threading.local()  # one pipeline per options in each worker thread (Dask, Spark)


def cached_pipeline(options: Options):
    """The pipeline for these options in this thread, built once. Its objects (rules, automata,
    dictionaries) live as long as the process, so they are moved out of the garbage collector's
    sight: each full collection would walk them again (about 2% of a run), and forked workers
    would copy the pages it touches."""
    cache = _PIPELINES.__dict__.setdefault("by_options", {})
    if options not in cache:
        cache[options] = options.build()
        gc.freeze()
    return cache[options]


HANDED: dict[Options, Any] = {}  # a caller's own pipeline, for the workers it forks (Pipeline.pipe)


def extract_partition(
    rows: Iterable[Any],
    *,
    text_field: str = "text",
    id_field: str = "id",
    meta: Sequence[str] = (),
    **options: Any,
) -> Iterator[dict]:
    """Record dicts for an iterable of rows (dicts, or Spark `Row`s): the function to hand to
    PySpark's `rdd.mapPartitions` or any other engine. `options` are those of `Options` (rules,
    segmenter, latent, targets, date, subject); the pipeline is built once per process and thread.
    A bad row gives an error record, like a bad line of a .jsonl input."""
    opts = Options(**{k: tuple(v) if k == "rules" else v for k, v in options.items()})
    pipe = cached_pipeline(opts)
    fields = Fields(text=text_field, id=id_field, meta=tuple(meta))
    for n, row in enumerate(rows, 1):
        row = row.asDict() if hasattr(row, "asDict") else row
        item = row_document(row, n, Path("<rows>"), "row", fields)
        outcome = failure_outcome(item) if isinstance(item, Failure) else process_document(pipe, item, opts)
        yield from outcome.rows


# --------------------------------------------------------------------------- worker processes

_WORKER: dict[str, Any] = {}


def init_worker(options: Options, pack: bool = False) -> None:
    """Set up a worker process (batch runs and `Pipeline.pipe`): its pipeline, built once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        # a forked worker has the parent's pipeline already: the one handed over, or the cached one
        _WORKER["pipe"] = HANDED.get(options) or cached_pipeline(options)
    except ExtractorError as exc:  # handed back with the first batch: one line, not a dead pool
        _WORKER["error"] = exc
    _WORKER["options"] = options
    _WORKER["pack"] = pack


def worker_pipeline():
    """The pipeline `init_worker` built in this worker process (or the error it met)."""
    if "error" in _WORKER:
        raise _WORKER["error"]
    return _WORKER["pipe"]


def _worker_batch(items: list[tuple[int, Document | Failure]]) -> list[Outcome]:
    outcomes = run_batch(worker_pipeline(), items, _WORKER["options"])
    return [o.pack() for o in outcomes] if _WORKER["pack"] else outcomes


def start_method() -> str:
    """fork where it is safe (Linux, and no other thread in this process): workers then start at
    once with the pipeline the parent built; spawn elsewhere (each worker imports and builds)."""
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


def imap_chunks(
    fn: Callable[[T], R],
    chunks: Iterable[T],
    *,
    jobs: int,
    ordered: bool = True,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
) -> Iterator[R]:
    """`fn` over chunks in `jobs` spawned processes (each runs `initializer` once), with at most
    2 × jobs chunks in flight so a long input streams; results in input order, or as they finish."""
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(start_method()), initializer=initializer,
        initargs=initargs,
    )
    source = iter(chunks)
    pending: deque[Future] = deque()

    def submit() -> None:
        for chunk in islice(source, 1):
            pending.append(pool.submit(fn, chunk))

    try:
        for _ in range(2 * jobs):
            submit()
        while pending:
            if ordered:
                future = pending.popleft()
            else:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                future = next(f for f in pending if f in done)
                pending.remove(future)
            result = future.result()
            submit()
            yield result
    except BrokenProcessPool:
        raise ExtractorError("a worker process died (out of memory?); what was written is kept, "
                             "continue with --resume") from None
    finally:
        pool.shutdown(wait=not pending, cancel_futures=True)


def batched(items: Iterable[T], size: int, max_chars: int = 2_000_000) -> Iterator[list[T]]:
    """Lists of up to `size` items and about `max_chars` characters (texts travel to workers)."""
    batch: list = []
    chars = 0
    for item in items:
        batch.append(item)
        text = getattr(item[1], "text", "") if isinstance(item, tuple) else ""
        chars += len(text)
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _outcomes(
    batches: Iterator[list], jobs: int, ordered: bool, options: Options, pack: bool = False
) -> Iterator[list[Outcome]]:
    first = list(islice(batches, 2))
    if jobs <= 1 or len(first) < 2:  # one batch: starting workers would cost more than it saves
        pipe = cached_pipeline(options)  # built once per process: repeated runs in a notebook reuse it
        for batch in chain(first, batches):
            yield run_batch(pipe, batch, options)
        return
    if start_method() == "fork":
        cached_pipeline(options)  # built once here, inherited by every worker
    yield from imap_chunks(_worker_batch, chain(first, batches), jobs=jobs, ordered=ordered,
                           initializer=init_worker, initargs=(options, pack))


# --------------------------------------------------------------------------- journal (resume)


class SeqSet:
    """Document numbers as sorted, merged [start, end) ranges: small for millions of documents."""

    def __init__(self, ranges: Iterable[Sequence[int]] = ()) -> None:
        merged: list[list[int]] = []
        for start, end in sorted((int(a), int(b)) for a, b in ranges):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, seq: int) -> bool:
        i = bisect_right(self.starts, seq) - 1
        return i >= 0 and seq < self.ends[i]

    def __len__(self) -> int:
        return sum(b - a for a, b in zip(self.starts, self.ends))


def to_ranges(seqs: Iterable[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for s in sorted(seqs):
        if out and out[-1][1] == s:
            out[-1][1] = s + 1
        else:
            out.append([s, s + 1])
    return out


@dataclass
class Tally:
    ok: int = 0
    failed: int = 0
    chars: int = 0
    records: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.seqs.append(outcome.seq)
        self.chars += outcome.chars
        if outcome.failed:
            self.failed += 1
            row = outcome.rows[0]
            self.errors.append({k: row.get(k) for k in ("doc_id", "reason", "error", "file", "line")})
        else:
            self.ok += 1
            self.records.update(outcome.types or Counter(r["type"] for r in outcome.rows))

    def merge(self, entry: dict) -> None:
        self.ok += entry["ok"]
        self.failed += entry["failed"]
        self.chars += entry["chars"]
        self.records.update(entry["records"])
        self.errors += entry["errors"]

    def entry(self, position: int) -> dict:
        return {"position": position, "seqs": to_ranges(self.seqs), "ok": self.ok, "failed": self.failed,
                "chars": self.chars, "records": dict(self.records), "errors": self.errors}


class Journal:
    """`OUTPUT.journal`: a header line (what the run reads, how), then one line per committed batch."""

    def __init__(self, output: str) -> None:
        self.path = output + ".journal"
        self.finished = False

    def start(self, header: dict) -> None:
        try:
            with open(self.path, "wb") as handle:
                handle.write((json.dumps(header, ensure_ascii=False) + "\n").encode())
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            where = self.path.removesuffix(".journal")
            raise ExtractorError(f"cannot write: {exc.strerror or exc}", file=where) from None

    def load(self, header: dict) -> tuple[SeqSet, int, Tally] | None:
        """Done documents, the output's committed position and the totals so far; None when
        there is no journal (nothing to resume). A torn last line is cut off."""
        if not os.path.exists(self.path):
            return None
        entries, good = [], 0
        with open(self.path, "rb") as handle:
            for raw in handle:
                try:
                    entry = json.loads(raw) if raw.endswith(b"\n") else None
                except ValueError:
                    entry = None
                if not isinstance(entry, dict):
                    break
                entries.append(entry)
                good += len(raw)
        if not entries or entries[0].get("journal") != 1:
            raise ExtractorError("not a zh-extract journal; rerun without --resume", file=self.path)
        differs = [k for k in header if k != "started" and entries[0].get(k) != header[k]]
        if differs:
            raise ExtractorError(f"written for a run with other {', '.join(differs)}; resume with the same "
                                 "inputs and options, or rerun without --resume", file=self.path)
        os.truncate(self.path, good)
        self.finished = entries[-1].get("finished", False)
        batches = [e for e in entries[1:] if "seqs" in e]
        totals = Tally()
        for entry in batches:
            totals.merge(entry)
        done = SeqSet(r for entry in batches for r in entry["seqs"])
        position = batches[-1]["position"] if batches else 0
        return done, position, totals

    def unfinished(self) -> bool:
        """A journal whose run never wrote its last line (crashed or interrupted)."""
        try:
            with open(self.path, "rb") as handle:
                last = handle.read().splitlines()[-1]
            return not json.loads(last).get("finished")
        except (OSError, IndexError, ValueError, AttributeError):
            return False

    def commit(self, entry: dict) -> None:
        with open(self.path, "ab") as handle:
            handle.write((json.dumps(entry, ensure_ascii=False) + "\n").encode())
            handle.flush()
            os.fsync(handle.fileno())


# --------------------------------------------------------------------------- manifest


@dataclass
class Manifest:
    """What a run did: written as `OUTPUT.run.json` (or `run.json` in an output folder)."""

    version: str
    rules_fingerprint: str
    segmenter: str
    segmenter_backend: str
    options: dict
    inputs: list[str]
    output: str
    format: str
    counts: dict
    errors: list[dict]
    timings: dict
    resumed: bool = False
    interrupted: bool = False
    engine: str = "local"

    @property
    def exit_code(self) -> int:
        docs = self.counts["documents"]
        if docs["ok"] == 0:
            return EXIT_NOTHING
        return EXIT_SOME_FAILED if docs["failed"] else EXIT_OK

    def to_dict(self) -> dict:
        return {**asdict(self), "exit_code": self.exit_code}

    def write(self, path: str | Path) -> None:
        tmp = Path(str(path) + ".tmp")
        try:
            tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            why = f"cannot write the manifest: {exc.strerror or exc}"
            raise ExtractorError(why, file=str(path)) from None


def manifest_path(output: str, engine: str = "local") -> str | None:
    if output == "-":
        return None
    return os.path.join(output, "run.json") if engine == "dask" else output + ".run.json"


def rules_fingerprint(rule_dirs: Sequence[str]) -> str:
    """sha256 of every loaded rule file's name and contents: the bundled rules, then each overlay."""
    from .rules import bundled_rules_dir

    digest = hashlib.sha256()
    for folder in [bundled_rules_dir(), *map(Path, rule_dirs)]:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yaml", ".tsv")):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def check_rules(options: Options) -> None:
    """Load the rule folders once here, so a broken one is one line per problem before any work."""
    from .entities import load_entity_rules
    from .rules import load_rules

    load_rules(list(options.rules))
    load_entity_rules(list(options.rules))


def make_manifest(
    *, options: Options, inputs: Sequence[str], output: str, fmt: str, totals: Tally, session: Tally,
    started: float, settings: dict, resumed: bool, interrupted: bool, engine: str = "local",
) -> Manifest:
    from . import __version__

    ended = time.time()
    seconds = max(ended - started, 1e-9)
    return Manifest(
        version=__version__,
        rules_fingerprint=rules_fingerprint(options.rules),
        segmenter=options.segmenter,
        segmenter_backend=segmenter_backend(options.segmenter),
        options={**asdict(options), **settings},
        inputs=list(inputs),
        output=output,
        format=fmt,
        counts={
            "documents": {"ok": totals.ok, "failed": totals.failed, "this_run": session.ok + session.failed},
            "records": dict(sorted(totals.records.items())),
            "characters": totals.chars,
        },
        errors=totals.errors[:MAX_ERRORS_LISTED],
        timings={
            "start": _iso(started), "end": _iso(ended), "seconds": round(seconds, 3),
            "docs_per_s": round((session.ok + session.failed) / seconds, 2),
            "chars_per_s": round(session.chars / seconds, 1),
        },
        resumed=resumed,
        interrupted=interrupted,
        engine=engine,
    )


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- the run


def stderr_log(level: str, message: str) -> None:
    print(f"zh-extract: {level}: {message}", file=sys.stderr, flush=True)


def run(
    inputs: Sequence[str],
    output: str | Path = "-",
    *,
    jobs: int | None = None,
    ordered: bool = True,
    resume: bool = False,
    fmt: str | None = None,
    fields: Fields | None = None,
    glob: str = "*.txt",
    options: Options | None = None,
    batch_size: int = 32,
    manifest: str | Path | None = None,
    progress: bool = False,
    log: Log | None = None,
) -> Manifest:
    """Extract every document of `inputs` into `output` (JSONL, CSV or Parquet; `-` is JSONL on
    stdout) with `jobs` processes (default: all cores), and write the run's manifest beside it.

    Raises ExtractorError for what stops a run as a whole (a broken rule folder, an output that
    cannot be written, a journal that does not match); a bad document is an error record instead.
    KeyboardInterrupt leaves every committed batch in place for `resume=True`.
    """
    log = log or stderr_log
    fields = fields or Fields()
    options = options or Options()
    output = str(output)
    fmt = format_for(output, fmt)
    jobs = jobs or os.cpu_count() or 1
    if resume and output == "-":
        raise ExtractorError("--resume needs an output file (-o records.jsonl), not stdout")
    if options.date:
        DocDate.parse(options.date)  # a bad --date is the caller's mistake, said before any work
    check_rules(options)
    started = time.time()
    header = {"journal": 1, "inputs": [i if i == "-" else os.path.abspath(i) for i in inputs], "glob": glob,
              "fields": asdict(fields), "format": fmt, "options": asdict(options)}
    header["fields"]["meta"] = list(fields.meta)
    header["options"]["rules"] = list(options.rules)
    journal = None if output == "-" else Journal(output)
    state = journal.load(header) if journal and resume else None
    done, position, totals = state or (SeqSet(), None, Tally())
    if journal and state is None:
        if resume and os.path.exists(output):
            raise ExtractorError("exists but has no journal beside it, so what is done is unknown; "
                                 "rerun without --resume", file=output)
        if not resume and journal.unfinished():
            log("note", f"{output}: replacing an unfinished run (continue one with --resume)")
        journal.start(header)
        position = None
    session = Tally()
    if journal and journal.finished:  # everything is written; the output may be merged already
        log("note", f"{output}: that run was finished; nothing left to do")
        return _finish(options, inputs, output, fmt, totals, session, started, True, False, jobs, ordered,
                       batch_size, fields, manifest, glob)
    sink = open_sink(output, fmt, resume_at=position)
    pending = Tally()
    interrupted = False
    bar = _Progress(progress, _total(inputs, glob, done) if progress else None)
    say = bar.wrap(log)
    skip = done.__contains__ if len(done) else None
    items = read_items(list(inputs), glob, fields, skip=skip)
    try:
        with bar:
            for outcomes in _outcomes(batched(items, batch_size), jobs, ordered, options, fmt == "jsonl"):
                for outcome in outcomes:
                    for level, message in outcome.messages:
                        say(level, message)
                    pending.add(outcome)
                    session.add(outcome)
                bar.advance(len(outcomes))
                if all(o.data is not None for o in outcomes):
                    committed = sink.commit_bytes(b"".join(o.data for o in outcomes))
                else:
                    committed = sink.commit([row for o in outcomes for row in o.rows])
                if committed is not None and journal:
                    _commit(journal, pending, committed, totals)
                    pending = Tally()
            if journal and pending.seqs:
                _commit(journal, pending, sink.flush(), totals)
                pending = Tally()
            position = sink.close()
            if journal:
                journal.commit({"finished": True, "position": position})
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        result = _finish(options, inputs, output, fmt, totals if journal else session, session, started,
                         state is not None, interrupted, jobs, ordered, batch_size, fields, manifest, glob)
    return result


def _finish(options, inputs, output, fmt, totals, session, started, resumed, interrupted, jobs, ordered,
            batch_size, fields, manifest, glob) -> Manifest:
    result = make_manifest(
        options=options, inputs=inputs, output=output, fmt=fmt, totals=totals, session=session,
        started=started, resumed=resumed, interrupted=interrupted,
        settings={"jobs": jobs, "ordered": ordered, "batch_size": batch_size, "glob": glob,
                  "text_field": fields.text, "id_field": fields.id, "meta": list(fields.meta)},
    )
    where = manifest or manifest_path(output)
    if where:
        result.write(where)
    return result


def _commit(journal: Journal, pending: Tally, position: int, totals: Tally) -> None:
    entry = pending.entry(position)
    journal.commit(entry)
    totals.merge(entry)


def _total(inputs: Sequence[str], glob: str, done: SeqSet) -> int | None:
    total = count_items(inputs, glob)
    return None if total is None else max(total - len(done), 0)


class _Progress:
    """A rich progress bar on stderr (documents, docs/s, ETA), or nothing."""

    def __init__(self, show: bool, total: int | None) -> None:
        self.bar = None
        if not show:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("documents"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False, auto_refresh=False,  # no thread: see start_method
        )
        self.task = self.bar.add_task("extract", total=total, rate="")
        self.started = time.perf_counter()
        self.count = 0

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.stop()

    def advance(self, n: int) -> None:
        if self.bar:
            self.count += n
            rate = self.count / max(time.perf_counter() - self.started, 1e-9)
            self.bar.update(self.task, advance=n, rate=f"{rate:.1f} docs/s")
            self.bar.refresh()

    def wrap(self, log: Log) -> Log:
        """Lines printed above the bar instead of through it."""
        if not self.bar or log is not stderr_log:
            return log
        console = self.bar.console
        return lambda level, message: console.print(
            f"zh-extract: {level}: {message}", markup=False, highlight=False, soft_wrap=True)
