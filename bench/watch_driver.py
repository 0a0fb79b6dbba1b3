#!/usr/bin/env python3
"""watch_driver.py BIN [--saves N] [--rss-every K] [--changes text|none|json]: the operator's loop, measured.

Copies scripts/ to a temp folder, starts `BIN watch scripts/` there (with
TSDSL_WATCH_STATS=1, so watch prints one JSON line per round of rebuilds with
its work time after the debounce, `work_us`), then saves scripts/shop.rhai N
times, each save changing one value (the divisor of `p95_seconds`, alternately
1000.0 and 1001.0, so staging's and production's output change every time). After
each save it waits for the round that rebuilt staging and production and
records its `work_us`. Every K saves it samples the watch process's VmRSS from
/proc/PID/status. Prints p50/p95/max of the work time and the RSS series.
"""
import argparse
import json
import os
import queue
import re
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEEDLE = "p95_seconds: p.p95_ms / 1000.0,"
TIMEOUT = 60.0


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def percentile(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bin")
    ap.add_argument("--saves", type=int, default=200)
    ap.add_argument("--changes", default="text", help="watch's --changes (text: the operator's default)")
    ap.add_argument("--wrap", default="", help="command words before BIN (e.g. valgrind --tool=callgrind ...)")
    ap.add_argument("--extra", default="", help="more words for `watch` (e.g. --timeout 600)")
    ap.add_argument("--sync", choices=["stats", "status"], default="stats",
                    help="wait for watch's stats line (stats) or for the stacks' status lines (status: "
                         "binaries without TSDSL_WATCH_STATS; no work time then)")
    ap.add_argument("--rss-every", type=int, default=0, help="sample VmRSS every K saves (0: never)")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="tsdsl-watch-bench-")
    shutil.copytree(os.path.join(ROOT, "scripts"), os.path.join(work, "scripts"))
    shop = os.path.join(work, "scripts", "shop.rhai")
    text = open(shop).read()
    if NEEDLE not in text:
        sys.exit(f"watch_driver: `{NEEDLE}` not found in scripts/shop.rhai; update NEEDLE")
    env = dict(os.environ, TSDSL_WATCH_STATS="1", AWS_EC2_METADATA_DISABLED="true", NO_COLOR="1")
    proc = subprocess.Popen(
        args.wrap.split() + [args.bin, "watch", "scripts/", "--account-id", "123456789012", "--changes",
                             args.changes] + args.extra.split(),
        cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    rounds = queue.Queue()
    log = []

    def read():
        for line in proc.stderr:
            log.append(line)
            if args.sync == "stats" and line.startswith('{"'):
                try:
                    rounds.put(json.loads(line))
                except ValueError:
                    pass
            m = re.match(r"\[[0-9:]+\] ([\w-]+): (written|unchanged|fixed|error|not written)", line)
            if args.sync == "status" and m:
                rounds.put({"stacks": [m.group(1)], "work_us": 0, "cpu_us": 0})
        rounds.put(None)

    threading.Thread(target=read, daemon=True).start()

    def next_round(want):
        """The next round rebuilding every stack of `want`; other rounds are counted."""
        extra = 0
        seen = set()
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                r = rounds.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                r = None
            if r is None:
                proc.kill()
                sys.exit("watch_driver: no rebuild seen; watch's log:\n" + "".join(log[-40:]))
            if args.sync == "status":
                seen |= set(r["stacks"])
                if want <= seen:
                    return r, 0
                continue
            if want <= set(r["stacks"]):
                return r, extra
            extra += 1

    try:
        first, _ = next_round({"production", "shared", "staging"})
        print(f"first build (3 stacks, cold): {first['work_us'] / 1000:.1f} ms", flush=True)
        works, cpus, extra_rounds, rss = [], [], 0, []
        if args.rss_every:
            rss.append((0, vm_rss_kb(proc.pid)))
        for i in range(1, args.saves + 1):
            divisor = "1001.0" if i % 2 else "1000.0"
            with open(shop, "w") as f:
                f.write(text.replace(NEEDLE, f"p95_seconds: p.p95_ms / {divisor},"))
            r, extra = next_round({"production", "staging"})
            works.append(r["work_us"] / 1000.0)
            cpus.append(r.get("cpu_us", 0) / 1000.0)
            extra_rounds += extra
            if args.rss_every and i % args.rss_every == 0:
                rss.append((i, vm_rss_kb(proc.pid)))
        errors = sum("error" in line and "] " in line for line in log)
        print(f"saves: {args.saves}; rebuild of staging + production, work after the debounce (ms): "
              f"p50 {statistics.median(works):.2f}, p95 {percentile(works, 95):.2f}, max {max(works):.2f}, "
              f"mean {statistics.mean(works):.2f}")
        print(f"  the same in CPU time of watch's thread (ms): p50 {statistics.median(cpus):.2f}, "
              f"p95 {percentile(cpus, 95):.2f}, max {max(cpus):.2f}, mean {statistics.mean(cpus):.2f}")
        print(f"other rounds: {extra_rounds}; status lines with `error`: {errors}")
        if rss:
            print("VmRSS (KB) by saves: " + ", ".join(f"{n}: {kb}" for n, kb in rss))
    finally:
        # Ctrl-C: watch ends cleanly (and a profiler wrapping it writes its data).
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
