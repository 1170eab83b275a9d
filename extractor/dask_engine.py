"""`zh-extract extract --engine dask`: the same extraction on a Dask cluster (a LocalCluster, a
scheduler address, or SLURM through dask-jobqueue).

The inputs are cut into partitions (each table file is one, text files go 64 to a partition);
`dask.bag` maps one task over them, and each task writes its own part file into the output folder
(`part-00000.jsonl`, or .csv/.parquet) under a temporary name, renames it, then writes its summary
`part-00000.summary.json`. A part with a summary is finished, so `--resume` skips it. The client
sums the summaries into the folder's `run.json`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from .batch import (
    Log,
    Options,
    Tally,
    check_rules,
    failure_outcome,
    make_manifest,
    manifest_path,
    process_document,
    stderr_log,
)
from .batch import cached_pipeline as _pipeline
from .errors import ExtractorError, InputError
from .reader import Failure, Fields, is_table, iter_paths, read_table, read_text_file
from .writers import format_for, open_sink

TEXTS_PER_PARTITION = 64
Source = tuple[str, str, str]  # ("text" | "table" | "error", path or message, name or file)


def partitions(inputs: Sequence[str], glob: str = "*.txt") -> list[list[Source]]:
    """Stable partitions of the inputs: a table file alone, text files in groups."""
    parts: list[list[Source]] = []
    texts: list[Source] = []
    for item in iter_paths(list(inputs), glob):
        if isinstance(item, InputError):
            texts.append(("error", item.message, item.file or "?"))
        elif item[0] is None:
            raise ExtractorError("--engine dask reads files, not stdin")
        elif is_table(item[0]):
            parts.append([("table", str(item[0]), item[1])])
        else:
            texts.append(("text", str(item[0]), item[1]))
        if len(texts) == TEXTS_PER_PARTITION:
            parts.append(texts)
            texts = []
    return parts + ([texts] if texts else [])


def extract_part(
    index: int, sources: list[Source], folder: str, fmt: str, fields: Fields, options: Options
) -> dict:
    """One partition into `folder/part-NNNNN.EXT` (whole or absent); its summary as a dict."""
    pipe = _pipeline(options)
    name = f"part-{index:05d}.{fmt}"
    tmp = os.path.join(folder, f".{name}.tmp")
    sink = open_sink(tmp, fmt)
    tally = Tally()
    for kind, where, label in sources:
        if kind == "error":
            items = [Failure(label, InputError(where, file=label))]
        elif kind == "table":
            items = [i for i in read_table(Path(where), label, fields) if i is not None]
        else:
            items = [read_text_file(Path(where), label)]
        for item in items:
            outcome = failure_outcome(item) if isinstance(item, Failure) else process_document(pipe, item,
                                                                                                 options)
            tally.add(outcome)
            sink.commit(outcome.rows)
    sink.close()
    os.replace(tmp, os.path.join(folder, name))
    summary = {**tally.entry(0), "part": name, "messages": []}
    del summary["seqs"]
    _write_json(os.path.join(folder, f"part-{index:05d}.summary.json"), summary)
    return summary


def run_dask(
    inputs: Sequence[str],
    output: str,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    fmt: str | None = None,
    fields: Fields | None = None,
    glob: str = "*.txt",
    options: Options | None = None,
    resume: bool = False,
    manifest: str | None = None,
    log: Log | None = None,
):
    """Extract on a Dask cluster into the folder `output`; the Manifest (also `output/run.json`)."""
    try:
        import dask.bag as db
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ExtractorError("--engine dask needs Dask: pip install 'zh-extractor[dask]'") from None
    log = log or stderr_log
    fields = fields or Fields()
    options = options or Options()
    if output == "-":
        raise ExtractorError("--engine dask writes part files into a folder: -o FOLDER")
    fmt = format_for("", fmt)
    check_rules(options)
    started = time.time()
    os.makedirs(output, exist_ok=True)
    parts = partitions(inputs, glob)
    done = _finished_parts(output) if resume else {}
    if not resume:
        _clear_parts(output)
    todo = [(i, p) for i, p in enumerate(parts) if i not in done]
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        bag = db.from_sequence(todo, npartitions=max(len(todo), 1))
        summaries = bag.map(lambda job: extract_part(job[0], job[1], output, fmt, fields, options)).compute()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    session, totals = Tally(), Tally()
    for summary in summaries:
        session.merge(summary)
        for error in summary["errors"]:
            log("error", f"{error['file'] or error['doc_id']}"
                         f"{':' + str(error['line']) if error['line'] else ''}: {error['reason']}")
    for summary in [*done.values(), *summaries]:
        totals.merge(summary)
    result = make_manifest(
        options=options, inputs=inputs, output=output, fmt=fmt, totals=totals, session=session,
        started=started, resumed=bool(done), interrupted=False, engine="dask",
        settings={"scheduler": scheduler or "LocalCluster", "partitions": len(parts), "glob": glob,
                  "text_field": fields.text, "id_field": fields.id, "meta": list(fields.meta)},
    )
    result.write(manifest or manifest_path(output, "dask"))
    return result


def _finished_parts(folder: str) -> dict[int, dict]:
    out = {}
    for path in Path(folder).glob("part-*.summary.json"):
        out[int(path.name.split(".")[0].split("-")[1])] = json.loads(path.read_text(encoding="utf-8"))
    return out


def _clear_parts(folder: str) -> None:
    for path in Path(folder).glob("part-*"):
        if path.is_file():
            path.unlink()


def _write_json(path: str, data: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
    os.replace(tmp, path)
