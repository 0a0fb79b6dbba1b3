#!/usr/bin/env python3
"""measure.py RUNS OUTDIR NAME=COMMAND...: mean wall time and peak RSS of each command.

Wall time: hyperfine (--warmup 1 --runs RUNS --export-json) when it is on PATH, else a
perf_counter loop with one warm-up run. Peak RSS: one extra run under `/usr/bin/time -v`
when it exists, else os.wait4's rusage of that run. COMMAND is split like a shell word list and run without a shell; every
command's exit status is reported (a non-zero one is marked, not fatal). Prints a table.
"""
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time


def run_quiet(cmd):
    return subprocess.run(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def wall_hyperfine(cmd, runs, outdir, name):
    js = os.path.join(outdir, f"hyperfine-{name}.json")
    subprocess.run(["hyperfine", "--warmup", "1", "--runs", str(runs), "--ignore-failure", "--style", "none",
                    "--shell=none", "--export-json", js, cmd],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = json.load(open(js))["results"][0]
    return r["mean"], r.get("stddev") or 0.0, r["min"], r["max"]


def wall_loop(cmd, runs):
    run_quiet(cmd)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run_quiet(cmd)
        times.append(time.perf_counter() - t)
    return statistics.mean(times), (statistics.stdev(times) if len(times) > 1 else 0.0), min(times), max(times)


def peak_rss_kib(cmd):
    """(peak RSS in KiB of the heaviest process, exit status)."""
    if os.path.exists("/usr/bin/time"):
        p = subprocess.run(["/usr/bin/time", "-v"] + shlex.split(cmd),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        rss = status = None
        for line in p.stderr.splitlines():
            line = line.strip()
            if line.startswith("Maximum resident set size (kbytes):"):
                rss = int(line.split(":")[1])
            elif line.startswith("Exit status:"):
                status = int(line.split(":")[1])
        if rss is not None:
            return rss, status if status is not None else p.returncode
    p = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, st, ru = os.wait4(p.pid, 0)
    return ru.ru_maxrss, os.waitstatus_to_exitcode(st)


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    runs, outdir = int(sys.argv[1]), sys.argv[2]
    cases = [a.split("=", 1) for a in sys.argv[3:]]
    hyperfine = shutil.which("hyperfine")
    how = "hyperfine" if hyperfine else "python loop"
    rss_how = "/usr/bin/time -v" if os.path.exists("/usr/bin/time") else "wait4"
    rows = []
    for name, cmd in cases:
        print(f"  timing {name} ...", file=sys.stderr, flush=True)
        rss, status = peak_rss_kib(cmd)
        mean, sd, lo, hi = wall_hyperfine(cmd, runs, outdir, name) if hyperfine else wall_loop(cmd, runs)
        rows.append((name, mean, sd, lo, hi, rss, status))
    print(f"\nwall time: mean of {runs} runs after 1 warm-up ({how}); peak RSS: one run ({rss_how})\n")
    head = f"{'case':<28} {'mean':>10} {'± sd':>9} {'min':>10} {'max':>10} {'peak RSS':>10}  exit"
    print(head)
    print("-" * len(head))
    for name, mean, sd, lo, hi, rss, status in rows:
        ms = lambda s: f"{s * 1000:.1f} ms"
        mark = "" if status == 0 else "  <- non-zero"
        print(f"{name:<28} {ms(mean):>10} {ms(sd):>9} {ms(lo):>10} {ms(hi):>10} {rss / 1024:>7.1f} MiB  {status}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
