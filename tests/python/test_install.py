"""The package installs offline with Debian's pip (no index, no build
isolation) and finds the library: $NEWSDOC_LIBRARY, then next to the package."""
import glob
import os
import shutil
import subprocess
import sys

import pytest

from conftest import SOURCE_DIR

CHECK = r"""
import os, sys, newsdoc
print(newsdoc.__file__)
print(newsdoc.library_path())
print(os.path.isfile(os.path.join(os.path.dirname(newsdoc.__file__), "py.typed")))
d = newsdoc.Document(); d.title = "عنوان"; d.add_section(1, "قسم").add_paragraph("نص")
print(newsdoc.read(d.to_bytes("json"), "json").outline())
"""


def test_pip_install_offline(tmp_path):
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode:
        pytest.skip("pip is not available for %s (python3-pip)" % sys.executable)
    lib = os.environ.get("NEWSDOC_LIBRARY")
    if not lib or not os.path.isfile(lib):
        pytest.skip("NEWSDOC_LIBRARY does not name the built library")
    src = tmp_path / "src"   # build from a copy: pip writes build/ and *.egg-info next to the sources
    shutil.copytree(SOURCE_DIR / "bindings" / "python", src,
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "*.so*"))
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-cache-dir",
                        "--no-warn-script-location", "--prefix", str(tmp_path / "prefix"), str(src)],
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    sites = glob.glob(str(tmp_path / "prefix" / "**" / "newsdoc" / "__init__.py"), recursive=True)
    assert len(sites) == 1
    pkg = os.path.dirname(sites[0])
    site = os.path.dirname(pkg)
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSDOC_LIBRARY", "NEWSDOC_BUILD_DIR")}
    env["PYTHONPATH"] = site

    # 1. $NEWSDOC_LIBRARY
    r = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True, text=True,
                       env=dict(env, NEWSDOC_LIBRARY=lib), timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == sites[0] and out[1] == lib and out[2] == "True"
    assert out[3] == "[(1, 'قسم')]"

    # 2. a wrong $NEWSDOC_LIBRARY is an error naming it, not a silent fallback
    r = subprocess.run([sys.executable, "-c", "import newsdoc; newsdoc.formats()"], cwd=tmp_path,
                       capture_output=True, text=True, env=dict(env, NEWSDOC_LIBRARY="/nonexistent/libx.so"),
                       timeout=60)
    assert r.returncode != 0 and "/nonexistent/libx.so" in r.stderr

    # 3. a copy next to the package
    shutil.copy(lib, os.path.join(pkg, "libnewsdoc.so.1"))
    r = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1] == os.path.join(pkg, "libnewsdoc.so.1")
