#!/usr/bin/python3
"""Opens our HTML for the sample article (plus one English paragraph) in
headless Chromium and checks, in the browser, that the article computes
direction rtl, that the Latin paragraph computes ltr, and that every
heading and paragraph is there.  Saves a screenshot under the build folder.

A copy of the page gets a small script appended that writes the
getComputedStyle() results into the DOM; --dump-dom prints that DOM.
Exit 0 pass, 1 fail, 77 skip."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SHARED = os.environ.get("NEWSDOC_SHARED", "")
CONVERT = os.environ.get("NEWSDOC_CONVERT", "")
BUILD = os.environ.get("NEWSDOC_BUILD_DIR", ".")
NAME = "mauritania-us-military-cooperation"
LATIN = ("The United States Africa Command (AFRICOM) said on 12 May 2025 that joint training "
         "with the Mauritanian army will continue next year.")

PROBE = r"""
<script>
(function () {
  var art = document.querySelector('article');
  var out = {article: art ? getComputedStyle(art).direction : null, html: getComputedStyle(document.documentElement).direction,
             headings: [], paragraphs: []};
  document.querySelectorAll('article h1, article h2, article h3, article h4, article h5, article h6').forEach(function (h) {
    out.headings.push({tag: h.tagName.toLowerCase(), dir: getComputedStyle(h).direction, text: h.textContent.trim(),
                       align: getComputedStyle(h).textAlign, visible: h.getBoundingClientRect().height > 0});
  });
  document.querySelectorAll('article p').forEach(function (p) {
    var r = p.getBoundingClientRect();
    out.paragraphs.push({dir: getComputedStyle(p).direction, text: p.textContent.trim().slice(0, 80),
                         visible: r.height > 0, left: Math.round(r.left), right: Math.round(r.right)});
  });
  var pre = document.createElement('pre');
  pre.id = 'newsdoc-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def chromium():
    for c in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(c)
        if p:
            return p
    return None


def run_chromium(exe, args, profile):
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    if not SHARED or not os.path.isdir(SHARED):
        skip("../shared not found (NEWSDOC_SHARED)")
    exe = chromium()
    if not exe:
        skip("chromium is not installed")
    formats = subprocess.run([CONVERT, "--list-formats"], capture_output=True, text=True).stdout
    if not re.search(r"^text\s+yes", formats, re.M):
        skip("the text reader is not registered yet")
    outdir = os.path.join(BUILD, "html-tests")
    os.makedirs(outdir, exist_ok=True)
    src = open(os.path.join(SHARED, "samples", NAME + ".txt"), encoding="utf-8").read()
    text_in = os.path.join(outdir, NAME + "-with-latin.txt")
    with open(text_in, "w", encoding="utf-8") as f:
        # after the lead's two paragraphs (the byline stays the last line)
        lines = src.split("\n")
        f.write("\n".join(lines[:2] + [LATIN] + lines[2:]))
    page = os.path.join(outdir, NAME + "-chromium.html")
    r = subprocess.run([CONVERT, "-q", "-f", "text", "-t", "html", "-o", page, text_in], capture_output=True, text=True)
    if r.returncode:
        print("FAIL: newsdoc-convert: " + r.stderr)
        return 1
    html = open(page, encoding="utf-8").read()
    probe_page = os.path.join(outdir, NAME + "-probe.html")
    with open(probe_page, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", PROBE + "</body>"))
    # what the page should hold, counted from the outline (+1 paragraph, the Latin one)
    want = [l for l in open(os.path.join(SHARED, "samples", NAME + ".outline"), encoding="utf-8").read().splitlines()]
    want_heads = [l.split(" ", 1)[1] for l in want if re.match(r"^H\d ", l)]
    want_paras = sum(1 for l in want if l == "P") + 1
    with tempfile.TemporaryDirectory(prefix="newsdoc-chromium-") as profile:
        r = run_chromium(exe, ["--virtual-time-budget=5000", "--dump-dom", "file://" + probe_page], profile)
    m = re.search(r'<pre id="newsdoc-probe">(.*?)</pre>', r.stdout, re.S)
    if not m:
        print("FAIL: no probe output from chromium (rc %d): %s" % (r.returncode, r.stderr[-2000:]))
        return 1
    data = json.loads(m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("ok   " if cond else "FAIL ") + msg)
        ok = ok and cond

    check(data["article"] == "rtl", "article computes direction %s (want rtl)" % data["article"])
    latin = [p for p in data["paragraphs"] if p["text"].startswith(LATIN[:40])]
    check(len(latin) == 1 and latin[0]["dir"] == "ltr",
          "the Latin paragraph computes %s (want ltr)" % (latin[0]["dir"] if latin else "nothing: not found"))
    arabic = [p for p in data["paragraphs"] if not p["text"].startswith(LATIN[:40])]
    check(all(p["dir"] == "rtl" for p in arabic), "all %d Arabic paragraphs compute rtl" % len(arabic))
    got_heads = [h["text"] for h in data["headings"]]
    check(got_heads == want_heads, "headings in the browser: %d of %d, in order" % (
        sum(1 for a, b in zip(got_heads, want_heads) if a == b), len(want_heads)))
    hdr = re.search(r"<header>(.*?)</header>", html, re.S)
    header_ps = len(re.findall(r"<p[ >]", hdr.group(1))) if hdr else 0
    check(len(data["paragraphs"]) == want_paras + header_ps,
          "paragraphs in the browser: %d (outline %d + 1 Latin + %d header lines)" % (
              len(data["paragraphs"]), want_paras - 1, header_ps))
    check(all(p["visible"] for p in data["paragraphs"]) and all(h["visible"] for h in data["headings"]),
          "every heading and paragraph has a rendered box")
    # RTL paragraphs are right-aligned (text-align: start in rtl): their boxes share the right edge
    rights = {p["right"] for p in arabic}
    check(len(rights) == 1, "Arabic paragraphs share one right edge %s" % sorted(rights)[:3])
    shot = os.path.join(outdir, NAME + ".png")
    with tempfile.TemporaryDirectory(prefix="newsdoc-chromium-") as profile:
        r = run_chromium(exe, ["--screenshot=" + shot, "--window-size=900,1400", "--hide-scrollbars", "file://" + page], profile)
    check(os.path.exists(shot) and os.path.getsize(shot) > 1000, "screenshot saved: %s" % shot)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
