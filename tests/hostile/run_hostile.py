#!/usr/bin/python3
"""Runs every hostile case through every registered reader (and through
probing), each run in its own process under a time bound, an address-space
bound and strace, and checks the result against expected.tsv.

    run_hostile.py --driver PATH [--out DIR] [--timeout S] [--mem-mb N]
                   [--strace on|off|auto] [--jobs N] [--only GLOB]

Prints one line per problem and ends with
    hostile: N cases, M as expected
Exit status 0 only when every run of every case is as expected.
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_hostile  # noqa: E402

MARKER = "/nonexistent-newsdoc-hostile-marker/begin"
CLEAN = {"OK", "MALFORMED", "UNSUPPORTED", "LIMIT", "LIMIT_SIZE", "LIMIT_DEPTH", "LIMIT_ZIP", "LIMIT_COUNT",
         "ENCODING"}
LINKS = ['html:href="javascript:', "html:href='javascript:", 'html:href=" javascript:', 'html:href="file:',
         "html:href='file:", 'html:src="file:', "html:src='file:", 'html:href="vbscript:', "html:<script",
         "html:<iframe"]
ALWAYS = ["*:" + gen_hostile.SECRET_TOKEN, "*:root:x:0:0"]
# What a conversion may open besides its input: the loader's and ICU's data,
# locale files.  Read-only.
ALLOWED_PREFIXES = ("/usr/", "/lib/", "/lib64/", "/etc/ld.so.", "/usr/lib/locale/", "/usr/share/locale/")
# libc's time zone (tzset): core/zip.c calls localtime_r() because libzip
# converts DOS times with localtime().
ALLOWED_FILES = ("/etc/localtime",)
TRACED = "open,openat,openat2,creat,socket,connect,execve,execveat,rename,renameat,renameat2,unlink,unlinkat," \
         "mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate"
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")


def load_table(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 4:
                sys.exit(f"{path}:{ln}: 4 tab-separated columns expected, got {len(cols)}")
            name, reader, codes, forbid = cols
            codes = set(c.strip() for c in codes.split("|"))
            bad = codes - CLEAN - {"UNKNOWNFORMAT"}
            if bad:
                sys.exit(f"{path}:{ln}: unknown codes {sorted(bad)}")
            fb = []
            if forbid != "-":
                for tok in forbid.split(" "):
                    if tok == "@links":
                        fb += LINKS
                    elif ":" in tok:
                        fb.append(tok)
                    else:
                        sys.exit(f"{path}:{ln}: forbid entries are FMT:TEXT")
            rows.append({"pat": name, "reader": reader, "codes": codes, "forbid": fb, "line": ln, "used": 0})
    return rows


def parse_strace(log, input_path):
    """Returns the list of forbidden calls made after the marker."""
    bad, started = [], False
    try:
        with open(log, errors="replace") as f:
            lines = f.readlines()
    except OSError as e:
        return [f"no strace log: {e}"]
    for line in lines:
        if MARKER in line:
            started = True
            continue
        if not started:
            continue
        m = re.match(r"^(?:\[pid\s+)?\d*\]?\s*(\w+)\((.*)$", line.strip())
        if not m:
            continue
        call, rest = m.group(1), m.group(2)
        if call in ("socket", "connect", "execve", "execveat", "rename", "renameat", "renameat2", "unlink",
                    "unlinkat", "mkdir", "mkdirat", "link", "linkat", "symlink", "symlinkat", "truncate", "creat"):
            bad.append(line.strip())
            continue
        if call in ("open", "openat", "openat2"):
            pm = re.search(r'"((?:[^"\\]|\\.)*)"', rest)
            path = pm.group(1) if pm else "?"
            flags = rest[pm.end():] if pm else rest
            if any(fl in flags for fl in WRITE_FLAGS):
                bad.append(line.strip())
            elif path == input_path:
                continue
            elif path.startswith(ALLOWED_PREFIXES) or path in ALLOWED_FILES:
                continue
            else:
                bad.append(line.strip())
    if not started:
        bad.append("the driver's start marker is missing from the strace log")
    return bad


def self_test(workdir):
    """The strace check must be able to fail: feed it a made-up log."""
    log = os.path.join(workdir, "self-test.strace")
    with open(log, "w") as f:
        f.write('1 openat(AT_FDCWD, "/work/build/libnewsdoc.so.1", O_RDONLY|O_CLOEXEC) = 3\n'
                f'1 openat(AT_FDCWD, "{MARKER}", O_RDONLY) = -1 ENOENT (No such file or directory)\n'
                '1 openat(AT_FDCWD, "/in/put.epub", O_RDONLY) = 3\n'
                '1 openat(AT_FDCWD, "/usr/share/icu/72.1/icudt72l.dat", O_RDONLY) = 4\n'
                '1 openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 5\n'
                '1 openat(AT_FDCWD, "/usr/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 6\n'
                '1 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 7\n'
                '1 connect(7, {sa_family=AF_INET, sin_port=htons(9)}, 16) = -1 ECONNREFUSED\n')
    bad = parse_strace(log, "/in/put.epub")
    os.unlink(log)
    want = ["/etc/passwd", "/usr/tmp/x", "socket(", "connect("]
    if len(bad) != len(want) or not all(w in b for w, b in zip(want, bad)):
        sys.exit(f"run_hostile: the strace check's self-test failed: {bad}")


def limit_memory(mem_mb):
    def f():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if mem_mb:
            resource.setrlimit(resource.RLIMIT_AS, (mem_mb << 20, mem_mb << 20))
    return f


def run_one(args, case, path, reader, row, workdir):
    """One process: the driver on one case through one reader."""
    cmd = [args.driver, "--op-timeout", str(int(args.timeout))]
    # The case's own forbidden texts are about what its reader makes of it
    # (another reader may well keep the markup as literal text).
    for fb in ALWAYS + (row["forbid"] if reader in (row["reader"], "auto") else []):
        cmd += ["--forbid", fb]
    cmd += [reader, path]
    log = None
    if args.use_strace:
        log = os.path.join(workdir, f"{case}.{reader}.strace")
        cmd = ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=" + TRACED, "-o", log] + cmd
    env = dict(os.environ)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limit_memory(args.mem_mb),
                         env=env)
    try:
        out, err = p.communicate(timeout=args.timeout * (2 + 2 * args.nwriters) + 10)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        timed_out = True
    dt = time.monotonic() - t0
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    problems = []
    m = re.search(r"^read=(\w+)$", out, re.M)
    code = m.group(1) if m else None
    if code and code != "OK":
        code = code[1:] if code.startswith("E") else code
    t = re.search(r"^timeout: (.*)$", out, re.M)
    if timed_out:
        problems.append(f"the whole run took more than {args.timeout * (2 + 2 * args.nwriters) + 10:g} s")
    elif t:
        problems.append("timeout: " + t.group(1))
    elif p.returncode < 0:
        problems.append(f"killed by signal {-p.returncode}")
    elif p.returncode not in (0, 1) and not t:
        problems.append(f"exit status {p.returncode}")
    if not timed_out and not t and code is None:
        problems.append("no result line")
    problems += [ln[len("problem: "):] for ln in out.splitlines() if ln.startswith("problem: ")]
    if code == "NOMEM":
        problems.append(f"NOMEM: the memory bound ({args.mem_mb} MiB) was hit")
    if reader == row["reader"]:
        expected = row["codes"]
    elif reader == "auto":
        expected = row["codes"] | CLEAN | {"UNKNOWNFORMAT"}
    else:
        expected = CLEAN
    if code is not None and code != "NOMEM" and code not in expected:
        problems.append(f"got {code}, expected {'|'.join(sorted(expected)) if len(expected) < 6 else 'a clean result'}")
    if "ERROR: AddressSanitizer" in err or "runtime error:" in err or "LeakSanitizer" in err:
        problems.append("sanitizer report: " + err.strip().splitlines()[0][:300])
    if log and not timed_out and not t:
        for b in parse_strace(log, path):
            problems.append("forbidden syscall: " + b[:300])
        if not problems:
            os.unlink(log)
    msg = re.search(r"^message: (.*)$", out, re.M)
    return {"case": case, "reader": reader, "code": code, "problems": problems, "secs": dt,
            "message": msg.group(1) if msg else "", "stderr": err[-2000:]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--out", default="hostile-corpus")
    ap.add_argument("--table", default=os.path.join(HERE, "expected.tsv"))
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--mem-mb", type=int, default=1024)
    ap.add_argument("--strace", choices=("on", "off", "auto"), default="auto")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", default=None, help="run only the cases matching this glob")
    ap.add_argument("--no-generate", action="store_true")
    ap.add_argument("--readers", choices=("all", "target"), default=None,
                    help="every registered reader (default), or only the case's own and probing "
                         "(default in sanitized builds, which are several times slower)")
    args = ap.parse_args()
    args.driver = os.path.abspath(args.driver)

    sanitized = subprocess.run([args.driver, "--sanitized"]).returncode == 0
    if sanitized:
        # ASan reserves terabytes of address space: bound the resident size
        # through the sanitizer instead, and give it more time.  LeakSanitizer
        # cannot run under ptrace, so strace is left to the plain build.
        args.mem_mb = 0
        args.timeout *= 4
        os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":hard_rss_limit_mb=3072:detect_leaks=1"
        if args.strace == "auto":
            args.strace = "off"
        if args.readers is None:
            args.readers = "target"
    if args.strace == "on" and not shutil.which("strace"):
        sys.exit("run_hostile: strace is not installed (scripts/deps.sh)")
    args.use_strace = args.strace == "on" or (args.strace == "auto" and shutil.which("strace") is not None)

    out = os.path.abspath(args.out)
    corpus = os.path.join(out, "corpus")
    work = os.path.join(out, "logs")
    if not args.no_generate:
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(corpus)
        t0 = time.monotonic()
        n = gen_hostile.gen(corpus)
        print(f"hostile: generated {n} cases in {time.monotonic() - t0:.1f} s")
    os.makedirs(work, exist_ok=True)
    self_test(work)

    rows = load_table(args.table)
    files = sorted(f for f in os.listdir(corpus) if f != "secret.txt")
    readers = subprocess.run([args.driver, "--list-readers"], capture_output=True, text=True,
                             check=True).stdout.split()
    args.nwriters = len(readers)
    print(f"hostile: readers registered: {' '.join(readers)}; "
          f"{'each case through its own reader and probing only; ' if args.readers == 'target' else ''}strace {'on' if args.use_strace else 'off'}; "
          f"time bound {args.timeout:g} s per operation; memory bound "
          f"{str(args.mem_mb) + ' MiB (RLIMIT_AS)' if args.mem_mb else 'ASan hard_rss_limit_mb=3072'}")

    jobs, setup_errors, cases = [], [], {}
    for fn in files:
        case = fn.rsplit(".", 1)[0]
        if args.only and not fnmatch.fnmatch(case, args.only):
            continue
        match = [r for r in rows if fnmatch.fnmatchcase(case, r["pat"])]
        if len(match) != 1:
            setup_errors.append(f"{case}: matches {len(match)} rows of the table (need exactly 1)")
            continue
        row = match[0]
        row["used"] += 1
        cases[case] = row
        for rd in readers + ["auto"]:
            if args.readers == "target" and rd not in (row["reader"], "auto"):
                continue
            jobs.append((case, os.path.join(corpus, fn), rd, row))
    if not args.only:
        for r in rows:
            if not r["used"]:
                setup_errors.append(f"table line {r['line']}: {r['pat']} matches no generated case")

    results = []
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_one, args, c, p, rd, row, work) for c, p, rd, row in jobs]
        for f in futs:
            results.append(f.result())
    elapsed = time.monotonic() - t0

    by_case = {}
    for r in results:
        by_case.setdefault(r["case"], []).append(r)
    good = 0
    skipped = []
    slow = sorted(results, key=lambda r: -r["secs"])[:5]
    with open(os.path.join(out, "results.tsv"), "w") as tsv:
        tsv.write("case\treader\tcode\tseconds\tproblems\tmessage\n")
        for case in sorted(by_case):
            row = cases[case]
            ok = True
            for r in sorted(by_case[case], key=lambda r: r["reader"]):
                tsv.write(f"{case}\t{r['reader']}\t{r['code']}\t{r['secs']:.2f}\t{'; '.join(r['problems'])}\t"
                          f"{r['message']}\n")
                if r["problems"]:
                    ok = False
                    for pr in r["problems"]:
                        print(f"FAIL {case} [{r['reader']}]: {pr}" +
                              (f"  (message: {r['message']})" if r["message"] and "got " in pr else ""))
                    if r["stderr"].strip() and any("signal" in p or "sanitizer" in p for p in r["problems"]):
                        print("  stderr: " + r["stderr"].strip().replace("\n", "\n  ")[-1500:])
            if row["reader"] not in readers:
                skipped.append(case)
            if ok:
                good += 1
    for e in setup_errors:
        print("FAIL table: " + e)
    if skipped:
        missing = sorted(set(cases[c]["reader"] for c in skipped))
        print(f"hostile: SKIP the target reader of {len(skipped)} cases is not registered yet "
              f"({', '.join(missing)}); those cases ran only through the registered readers")
    print("hostile: slowest runs: " + ", ".join(f"{r['case']} [{r['reader']}] {r['secs']:.1f} s" for r in slow))
    print(f"hostile: {len(results)} runs in {elapsed:.0f} s; results in {os.path.join(out, 'results.tsv')}")
    print(f"hostile: {len(by_case)} cases, {good} as expected")
    return 0 if good == len(by_case) and not setup_errors and by_case else 1


if __name__ == "__main__":
    sys.exit(main())
