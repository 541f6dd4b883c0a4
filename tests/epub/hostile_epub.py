#!/usr/bin/python3
"""Broken and hostile EPUBs through the epub reader (the CLI, -f epub -t json).

Each case is built here with zipfile into the build directory and must end
as expected: an error exit with the given words in the message, or success
with the given check on the JSON.  Every run is bounded in time; a crash
(signal), a hang or an unexpected success fails the test.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import zipfile

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="{path}" media-type="application/oebps-package+xml"/></rootfiles></container>"""


def opf(items, spine, extra_meta="", doctype=""):
    man = "\n".join(f'<item id="{i}" href="{h}" media-type="{t}"/>' for i, h, t in items)
    sp = "\n".join(f'<itemref idref="{i}"/>' for i in spine)
    return f"""<?xml version="1.0"?>{doctype}
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>
<dc:title>T</dc:title><dc:language>en</dc:language>{extra_meta}</metadata>
<manifest>{man}</manifest><spine>{sp}</spine></package>"""


def xhtml(body):
    return f"""<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head>
<body>{body}</body></html>"""


def book(path, files, mimetype=True):
    with zipfile.ZipFile(path, "w") as z:
        if mimetype:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        for name, data in files.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


def chapter_book(body, extra_files=None, extra_items=()):
    files = {
        "META-INF/container.xml": CONTAINER.format(path="OEBPS/p.opf"),
        "OEBPS/p.opf": opf([("c1", "c1.xhtml", "application/xhtml+xml")] + list(extra_items), ["c1"]),
        "OEBPS/c1.xhtml": xhtml(body),
    }
    files.update(extra_files or {})
    return files


def cases():
    c = []
    c.append(("container-points-at-itself", {"META-INF/container.xml": CONTAINER.format(path="META-INF/container.xml")},
              {"error": ["container.xml", "itself"]}))
    c.append(("container-points-at-missing-file", {"META-INF/container.xml": CONTAINER.format(path="OEBPS/none.opf")},
              {"error": ["OEBPS/none.opf", "not in the container"]}))
    c.append(("container-escapes-the-root", {"META-INF/container.xml": CONTAINER.format(path="../../etc/passwd")},
              {"error": ["container"]}))
    c.append(("no-container", {"OEBPS/p.opf": opf([], [])}, {"error": ["container.xml"]}))
    c.append(("container-not-xml", {"META-INF/container.xml": "<container><rootfiles>"},
              {"error": ["container.xml", "well-formed"]}))
    c.append(("opf-not-xml", {"META-INF/container.xml": CONTAINER.format(path="p.opf"), "p.opf": "<package><"},
              {"error": ["p.opf", "well-formed"]}))
    c.append(("opf-wrong-root", {"META-INF/container.xml": CONTAINER.format(path="p.opf"), "p.opf": "<html/>"},
              {"error": ["p.opf", "package"]}))
    c.append(("empty-spine", {"META-INF/container.xml": CONTAINER.format(path="p.opf"), "p.opf": opf([], [])},
              {"error": ["spine is empty"]}))
    n = 50
    many = {"META-INF/container.xml": CONTAINER.format(path="p.opf"),
            "p.opf": opf([(f"c{i}", f"c{i}.xhtml", "application/xhtml+xml") for i in range(n)], [f"c{i}" for i in range(n)])}
    many.update({f"c{i}.xhtml": xhtml("<p>x</p>") for i in range(n)})
    # A spine naming one document many times reads it once.
    repeat = {"META-INF/container.xml": CONTAINER.format(path="p.opf"),
              "p.opf": opf([(f"c{i}", "c.xhtml", "application/xhtml+xml") for i in range(n)], [f"c{i}" for i in range(n)]),
              "c.xhtml": xhtml("<p>x</p>")}
    c.append(("spine-repeats-read-once", repeat, {"ok": lambda j: count(j, "paragraph") == 1}))
    c.append(("spine-over-max-spine", many, {"error": ["max-spine"], "opts": ["max-spine=10"]}))
    c.append(("spine-under-max-spine", many, {"ok": lambda j: count(j, "paragraph") == n}))
    # Billion laughs in the package document: entities are never expanded.
    lol = '<!DOCTYPE package [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>"
    laughs = chapter_book("<p>x</p>")
    laughs["OEBPS/p.opf"] = opf([("c1", "c1.xhtml", "application/xhtml+xml")], ["c1"],
                                extra_meta="<dc:description>&j;</dc:description>", doctype=lol)
    c.append(("billion-laughs-in-opf", laughs, {"either": True, "maxlen": 100000}))
    # External entity: never loaded.
    xxe = chapter_book("<p>x</p>")
    xxe["OEBPS/p.opf"] = opf([("c1", "c1.xhtml", "application/xhtml+xml")], ["c1"],
                             extra_meta="<dc:description>&x;</dc:description>",
                             doctype='<!DOCTYPE package [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    c.append(("external-entity-in-opf", xxe, {"either": True, "absent": "root:"}))
    # Images: one escaping the container, one remote, one missing, one good.
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
                        "9c63f8cfc00000030101 00c9fe92ef0000000049454e44ae426082".replace(" ", ""))
    imgs = chapter_book('<p><img src="../../../../etc/passwd" alt="a"/><img src="http://127.0.0.1:9/x.png" alt="b"/>'
                        '<img src="nothere.png" alt="c"/><img src="ok.png" alt="d"/></p>',
                        {"OEBPS/ok.png": png}, [("i1", "ok.png", "image/png")])
    c.append(("images-escaping-remote-missing", imgs,
              {"ok": lambda j: len(j.get("media", [])) == 1 and j["media"][0]["mime"] == "image/png"}))
    # Deep nesting in a content document.
    deep = chapter_book("<div>" * 5000 + "x" + "</div>" * 5000)
    c.append(("deeply-nested-content", deep, {"either": True}))
    # A spine item that is the package document itself, and one outside.
    selfref = chapter_book("<p>x</p>")
    selfref["OEBPS/p.opf"] = opf([("c1", "c1.xhtml", "application/xhtml+xml"), ("me", "p.opf", "application/xhtml+xml"),
                                  ("out", "../../x.xhtml", "application/xhtml+xml")], ["me", "out", "c1"])
    c.append(("spine-names-the-opf-and-outside", selfref, {"ok": lambda j: count(j, "paragraph") == 1}))
    # Entity references in nav.xhtml and the NCX (the table-of-contents
    # walkers must not follow them out of the tree), in a chapter without
    # headings so that the label would be used.
    ent = '<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y "why">]>'
    navbook = chapter_book("<p>x</p>", {
        "OEBPS/nav.xhtml": '<?xml version="1.0"?>' + ent + '<html xmlns="http://www.w3.org/1999/xhtml" '
                           'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>n</title></head><body>'
                           '<nav epub:type="toc"><ol><li><a href="c1.xhtml">A &x; &y; B</a></li>'
                           '<li><a href="../../../etc/passwd">out</a></li></ol></nav></body></html>',
        "OEBPS/toc.ncx": '<?xml version="1.0"?>' + ent.replace("html", "ncx") +
                         '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap><navPoint id="a">'
                         '<navLabel><text>&x;&y;</text></navLabel><content src="c1.xhtml"/></navPoint></navMap></ncx>'},
        [("nav", "nav.xhtml\" properties=\"nav", "application/xhtml+xml"), ("ncx", "toc.ncx", "application/x-dtbncx+xml")])
    c.append(("entities-in-nav-and-ncx", navbook, {"ok": lambda j: count(j, "paragraph") == 1, "absent": "root:"}))
    # 50 000 attributes on one element (libxml2 checks them pairwise).
    attrs = " ".join(f'a{i}="v"' for i in range(50000))
    c.append(("many-attributes-in-content", chapter_book(f"<p {attrs}>x</p>"), {"error": ["max-attributes"]}))
    many_opf = chapter_book("<p>x</p>")
    many_opf["OEBPS/p.opf"] = many_opf["OEBPS/p.opf"].replace("<dc:title>", f"<dc:title {attrs}>")
    c.append(("many-attributes-in-opf", many_opf, {"error": ["max-attributes", "p.opf"]}))
    # Not a zip at all, and a truncated one.
    c.append(("not-a-zip", b"this is not an epub", {"error": []}))
    return c


def count(j, t):
    n = 0
    stack = list(j.get("body", []))
    while stack:
        x = stack.pop()
        if x.get("type") == t:
            n += 1
        stack.extend(x.get("children", []))
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    cli = os.environ["NEWSDOC_CONVERT"]
    formats = subprocess.run([cli, "--list-formats"], capture_output=True, text=True, check=True).stdout
    if not any(l.split()[:2] == ["epub", "yes"] for l in formats.splitlines()):
        print("SKIP: the epub reader is not registered")
        return 77
    os.makedirs(a.out, exist_ok=True)
    fails = 0
    for name, files, want in cases():
        path = os.path.join(a.out, name + ".epub")
        if isinstance(files, bytes):
            with open(path, "wb") as f:
                f.write(files)
        else:
            book(path, files)
        cmd = [cli, "-q", "-f", "epub", "-t", "json"]
        for o in want.get("opts", []):
            cmd += ["--opt", o]
        t0 = time.time()
        try:
            r = subprocess.run(cmd + [path], capture_output=True, timeout=30)
        except subprocess.TimeoutExpired:
            print(f"FAIL {name}: timed out")
            fails += 1
            continue
        dt = time.time() - t0
        err = r.stderr.decode("utf-8", "replace").strip()
        out = r.stdout.decode("utf-8", "replace")
        ok = True
        why = ""
        if r.returncode < 0 or r.returncode > 2:
            ok, why = False, f"crashed (status {r.returncode})"
        elif "error" in want:
            if r.returncode == 0:
                ok, why = False, "succeeded, an error was expected"
            else:
                missing = [w for w in want["error"] if w.lower() not in err.lower()]
                if missing:
                    ok, why = False, f"message lacks {missing}: {err}"
        elif "ok" in want:
            if r.returncode != 0:
                ok, why = False, f"failed: {err}"
            elif not want["ok"](json.loads(out)):
                ok, why = False, "unexpected content: " + out[:300]
        if ok and "maxlen" in want and len(out) > want["maxlen"]:
            ok, why = False, f"output of {len(out)} bytes: entities were expanded"
        if ok and "absent" in want and want["absent"] in out:
            ok, why = False, f"output contains {want['absent']!r}"
        status = "ok  " if ok else "FAIL"
        summary = err.splitlines()[-1] if (r.returncode and err) else "read"
        print(f"{status} {name} ({dt:.2f} s): {summary if ok else why}")
        fails += not ok
    print(f"hostile epub: {fails} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
