"""examples/batch_dask.py on a dask.distributed LocalCluster with 2 workers,
over a folder of mixed inputs (every registered format) with one broken file."""
import json
import logging
import os
import pathlib
import subprocess
import sys

import pytest

import newsdoc
from conftest import SOURCE_DIR, build_article

pytest.importorskip("distributed", reason="python3-distributed is not installed")

SCRIPT = SOURCE_DIR / "examples" / "batch_dask.py"


def make_inputs(root):
    """One article per registered format (in subfolders), a broken JSON file,
    a hidden file, a file in a hidden folder and a file that is no article."""
    doc = build_article()
    good = []
    for i, f in enumerate(x for x in newsdoc.formats() if x.can_read and x.can_write):
        rel = os.path.join("by-format", f.name, "article-%d.%s" % (i, f.extension))
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        doc.write(path, f.name, on_warning=lambda w: None)  # lossy steps (text drops the date) are fine here
        good.append(rel)
    (root / "nested" / "deeper").mkdir(parents=True)
    doc.write(root / "nested" / "deeper" / "story.json")
    good.append(os.path.join("nested", "deeper", "story.json"))
    (root / "nested" / "broken.json").write_bytes(doc.to_bytes("json")[:-40])
    (root / ".draft.json").write_bytes(doc.to_bytes("json"))
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.json").write_bytes(doc.to_bytes("json"))
    (root / "notes.bin").write_bytes(b"\x00\x01\x02\x03\xff not an article")
    return sorted(good)


def run_batch(*args, timeout=120):
    env = dict(os.environ)
    # dask's scratch space goes under the output's parent (the test's tmp dir), not /tmp
    env["DASK_TEMPORARY_DIRECTORY"] = str(pathlib.Path(str(args[1])).parent / "dask-scratch")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE_DIR / "bindings" / "python"),
                                                      env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def check_outputs(out_dir, good):
    expected = build_article()
    for rel in good:
        dst = out_dir / (os.path.splitext(rel)[0] + ".json")
        assert dst.is_file(), "missing output for %s" % rel
        back = newsdoc.read(dst, "json")
        assert [h for _, h in back.outline()] == [h for _, h in expected.outline()], rel
        assert back.title == expected.title and back.body.effective_dir == "rtl"
    made = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())
    assert made == sorted(os.path.splitext(r)[0] + ".json" for r in good)


def test_local_cluster_two_workers(tmp_path):
    good = make_inputs(tmp_path / "in")
    out_dir, report = tmp_path / "out", tmp_path / "report.json"
    r = run_batch(tmp_path / "in", out_dir, "-t", "json", "--workers", "2", "--report", report)
    assert r.returncode == 1, r.stdout + r.stderr          # one file failed
    rep = json.loads(report.read_text("utf-8"))
    by_input = {f["input"]: f for f in rep["files"]}
    assert rep["counts"] == {"converted": len(good), "failed": 1, "skipped": 3}, r.stdout
    broken = by_input[os.path.join("nested", "broken.json")]
    assert broken["status"] == "failed" and "MalformedError" in broken["reason"] and "json:" in broken["reason"]
    assert by_input[".draft.json"] == {"input": ".draft.json", "status": "skipped", "reason": "hidden file"}
    assert by_input[".git/"]["reason"] == "hidden directory"
    assert by_input["notes.bin"]["status"] == "skipped" and "known format" in by_input["notes.bin"]["reason"]
    assert sorted(f["input"] for f in rep["files"] if f["status"] == "converted") == good
    assert "failed nested/broken.json: json:" in r.stdout
    assert r.stdout.strip().splitlines()[-1] == "converted %d, failed 1, skipped 3" % len(good)
    check_outputs(out_dir, good)

    # without the broken file the run succeeds; outputs are replaced, not appended
    (tmp_path / "in" / "nested" / "broken.json").unlink()
    r = run_batch(tmp_path / "in", out_dir, "-t", "json", "--workers", "2", "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "converted %d, failed 0, skipped 3" % len(good)
    check_outputs(out_dir, good)


@pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")
def test_existing_scheduler(tmp_path):
    from dask.distributed import LocalCluster

    good = make_inputs(tmp_path / "in")
    (tmp_path / "in" / "nested" / "broken.json").unlink()
    env_path = str(SOURCE_DIR / "bindings" / "python")
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [env_path, old]))  # for the workers
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR, local_directory=str(tmp_path / "dask-local")) as cluster:
            r = run_batch(tmp_path / "in", tmp_path / "out", "-t", "json", "--scheduler",
                          cluster.scheduler_address)
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    assert r.returncode == 0, r.stdout + r.stderr
    check_outputs(tmp_path / "out", good)


def test_usage_errors(tmp_path):
    (tmp_path / "in").mkdir()
    r = run_batch(tmp_path / "in", tmp_path / "out", "-t", "no-such-format")
    assert r.returncode == 2 and "no-such-format" in r.stderr
    r = run_batch(tmp_path / "missing", tmp_path / "out", "-t", "json")
    assert r.returncode == 2 and "not a directory" in r.stderr
    r = run_batch(tmp_path / "in", tmp_path / "out", "-t", "json", "--opt", "novalue", "--workers", "1")
    assert r.returncode == 2 and "KEY=VALUE" in r.stderr


def test_options_reach_the_workers(tmp_path):
    doc = build_article()
    (tmp_path / "in").mkdir()
    doc.write(tmp_path / "in" / "a.json")
    (tmp_path / "in" / "small.json").write_bytes(b'{"newsdoc":1,"body":[]}')
    r = run_batch(tmp_path / "in", tmp_path / "out", "-t", "json", "--workers", "1", "--opt", "max-input-size=200",
                  "--report", tmp_path / "r.json")
    assert r.returncode == 1, r.stdout + r.stderr
    files = {f["input"]: f for f in json.loads((tmp_path / "r.json").read_text("utf-8"))["files"]}
    assert files["a.json"]["status"] == "failed" and "max-input-size" in files["a.json"]["reason"]
    assert "SizeLimitError" in files["a.json"]["reason"]
    assert files["small.json"]["status"] == "converted"
    assert (tmp_path / "out" / "small.json").is_file() and not (tmp_path / "out" / "a.json").exists()
