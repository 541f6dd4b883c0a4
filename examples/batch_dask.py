#!/usr/bin/python3
"""Convert a directory tree of articles on a Dask cluster.

    examples/batch_dask.py INPUT_DIR OUTPUT_DIR -t FORMAT [--scheduler ADDRESS]
                           [--workers N] [--from FORMAT] [--opt KEY=VALUE]...
                           [--report FILE] [--quiet]

Every file under INPUT_DIR (any input format, probed unless --from is given)
is converted to FORMAT on a dask.distributed cluster and written to the same
relative path under OUTPUT_DIR with FORMAT's extension (a/b/x.docx ->
OUTPUT_DIR/a/b/x.html).  With no --scheduler a LocalCluster is started
(--workers processes, one thread each; default: one per CPU).

The client reads the inputs and writes the outputs; the workers get and return
bytes, so the workers need no shared file system, only the `newsdoc` package
and libnewsdoc.so.1 (NEWSDOC_LIBRARY) where they run.

Each file ends as one of:
  converted  written to OUTPUT_DIR;
  failed     the library rejected it (malformed, a limit, ...) or writing
             failed: the reason is printed; the batch goes on;
  skipped    hidden files and directories (names starting with "."), files
             whose format cannot be told (not an article), and a file whose
             output path another input already took.
One line per file goes to stdout (`converted REL -> OUT`, `failed REL: REASON`,
`skipped REL: REASON`; --quiet prints only failures), then a summary line;
--report FILE also writes them as JSON.

Exit status: 0 when no file failed (skips are fine), 1 when at least one file
failed, 2 on bad usage (unknown output format, missing INPUT_DIR, ...) or
when the cluster cannot be reached.
"""
import argparse
import json
import logging
import os
import sys
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

try:
    import newsdoc
except ImportError:  # run from a source tree: use bindings/python, for the workers too
    _here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python")
    sys.path.insert(0, os.path.abspath(_here))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.abspath(_here),
                                                           os.environ.get("PYTHONPATH")) if p)
    import newsdoc


def convert_bytes(data: bytes, name: str, to_format: str, from_format: Optional[str],
                  options: Dict[str, Any]) -> Dict[str, object]:
    """The task run on a worker: convert one file's bytes.  Never raises for
    a bad input: the outcome is in the result ("converted", "failed" or
    "skipped", with the reason and the warnings)."""
    import newsdoc as nd  # imported on the worker

    warns: List[str] = []
    try:
        doc = nd.read(data, from_format, filename=name, on_warning=lambda w: warns.append(str(w)), **options)
        out = doc.to_bytes(to_format, on_warning=lambda w: warns.append(str(w)), **options)
    except nd.UnknownFormatError as e:
        if from_format is None:
            return {"status": "skipped", "reason": "not an article in a known format (%s)" % e, "warnings": warns}
        return {"status": "failed", "reason": "%s (%s)" % (e, type(e).__name__), "warnings": warns}
    except nd.Error as e:
        return {"status": "failed", "reason": "%s (%s)" % (e, type(e).__name__), "warnings": warns}
    return {"status": "converted", "output": out, "warnings": warns}


def walk(root: str, exclude: Optional[str]) -> Iterator[Tuple[str, Optional[str]]]:
    """(relative path, reason to skip or None) for every file under root, in
    a stable order; hidden entries are reported as skipped, not entered."""
    for dirpath, dirnames, filenames in os.walk(root):
        keep = []
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if exclude and os.path.abspath(full) == exclude:
                continue  # OUTPUT_DIR inside INPUT_DIR
            if d.startswith("."):
                yield os.path.relpath(full, root) + "/", "hidden directory"
            else:
                keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            if f.startswith("."):
                yield rel, "hidden file"
            elif not os.path.isfile(os.path.join(dirpath, f)):
                yield rel, "not a regular file"
            else:
                yield rel, None


def write_atomic(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = "%s.part%d" % (path, os.getpid())
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Convert a directory tree of articles on a Dask cluster.",
                                epilog="Exit status: 0 no file failed, 1 some file failed, 2 usage error.")
    p.add_argument("input_dir")
    p.add_argument("output_dir")
    p.add_argument("-t", "--to", required=True, metavar="FORMAT", help="output format (see newsdoc.formats())")
    p.add_argument("-f", "--from", dest="from_format", metavar="FORMAT", help="input format (default: probe)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a dask scheduler, e.g. tcp://host:8786 "
                   "(default: start a LocalCluster)")
    p.add_argument("--workers", type=int, metavar="N", help="LocalCluster worker processes")
    p.add_argument("--opt", action="append", default=[], metavar="KEY=VALUE",
                   help="a library option, e.g. --opt max-input-size=10M --opt time-budget-ms=5000")
    p.add_argument("--report", metavar="FILE", help="also write the outcome of every file as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    return p.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    try:
        fmt = newsdoc.find_format(args.to)
    except newsdoc.Error as e:
        print("batch_dask: -t %s: %s (have: %s)" % (args.to, e, ", ".join(
            f.name for f in newsdoc.formats() if f.can_write)), file=sys.stderr)
        return 2
    if not fmt.can_write:
        print("batch_dask: format %s cannot write" % fmt.name, file=sys.stderr)
        return 2
    if not os.path.isdir(args.input_dir):
        print("batch_dask: %s is not a directory" % args.input_dir, file=sys.stderr)
        return 2
    options: Dict[str, str] = {}
    for kv in args.opt:
        key, sep, value = kv.partition("=")
        if not sep or not key:
            print("batch_dask: --opt wants KEY=VALUE, not %r" % kv, file=sys.stderr)
            return 2
        options[key] = value
    out_root = os.path.abspath(args.output_dir)

    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if args.scheduler:
            client = Client(args.scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError) as e:
        print("batch_dask: cannot reach the cluster: %s" % e, file=sys.stderr)
        return 2

    results: List[Dict[str, object]] = []
    counts = {"converted": 0, "failed": 0, "skipped": 0}

    def report(rel: str, status: str, reason: str = "", output: str = "", warnings: Sequence[str] = ()) -> None:
        counts[status] += 1
        entry: Dict[str, object] = {"input": rel, "status": status}
        if reason:
            entry["reason"] = reason
        if output:
            entry["output"] = output
        if warnings:
            entry["warnings"] = list(warnings)
        results.append(entry)
        if status == "converted":
            line = "converted %s -> %s" % (rel, output)
        else:
            line = "%s %s: %s" % (status, rel, reason)
        if status == "failed" or not args.quiet:
            print(line, flush=True)

    try:
        max_in_flight = 4 * max(1, sum(client.nthreads().values()))
        pending = as_completed()
        in_flight = 0
        targets: Dict[str, str] = {}  # output path -> the input that took it
        jobs: Dict[object, Tuple[str, str]] = {}

        def drain(limit: int) -> None:
            nonlocal in_flight
            while in_flight > limit:
                future = next(pending)
                in_flight -= 1
                rel, dst = jobs.pop(future)
                try:
                    res = future.result()
                except Exception as e:  # the worker died, a task could not run...
                    report(rel, "failed", "task error: %s: %s" % (type(e).__name__, e))
                    continue
                finally:
                    future.release()
                warns = res.get("warnings") or []
                if res["status"] != "converted":
                    report(rel, str(res["status"]), str(res["reason"]), warnings=warns)
                    continue
                try:
                    write_atomic(dst, res["output"])
                except OSError as e:
                    report(rel, "failed", "cannot write %s: %s" % (dst, e), warnings=warns)
                    continue
                report(rel, "converted", output=os.path.relpath(dst, out_root), warnings=warns)

        for rel, skip in walk(os.path.abspath(args.input_dir), out_root):
            if skip:
                report(rel, "skipped", skip)
                continue
            dst = os.path.join(out_root, os.path.splitext(rel)[0] + "." + fmt.extension)
            if dst in targets:
                report(rel, "skipped", "its output %s is already made from %s"
                       % (os.path.relpath(dst, out_root), targets[dst]))
                continue
            targets[dst] = rel
            try:
                with open(os.path.join(args.input_dir, rel), "rb") as f:
                    data = f.read()
            except OSError as e:
                report(rel, "failed", "cannot read: %s" % e)
                continue
            future = client.submit(convert_bytes, data, os.path.basename(rel), fmt.name, args.from_format,
                                   options, pure=False)
            jobs[future] = (rel, dst)
            pending.add(future)
            in_flight += 1
            drain(max_in_flight)
        drain(0)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    print("converted %d, failed %d, skipped %d" % (counts["converted"], counts["failed"], counts["skipped"]),
          flush=True)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as out:
            json.dump({"to": fmt.name, "counts": counts, "files": results}, out, ensure_ascii=False, indent=1)
    return 1 if counts["failed"] else 0


def main(argv: List[str]) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
