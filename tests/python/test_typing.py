"""The package's inline type hints hold: mypy --strict over the package and
over the examples that use it (skipped when Debian's mypy is absent)."""
import os
import subprocess
import sys

import pytest

from conftest import SOURCE_DIR


def test_mypy_strict(tmp_path):
    if subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True).returncode:
        pytest.skip("mypy is not installed (Debian package mypy)")
    pkg = SOURCE_DIR / "bindings" / "python"
    env = dict(os.environ, MYPYPATH=str(pkg))
    r = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(pkg / "pyproject.toml"),
                        "--cache-dir", str(tmp_path / "cache"), str(pkg / "newsdoc")],
                       capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", "--cache-dir",
                        str(tmp_path / "cache"), str(SOURCE_DIR / "examples" / "outline.py"),
                        str(SOURCE_DIR / "examples" / "batch_dask.py")],
                       capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
