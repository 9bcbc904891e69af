#!/usr/bin/env python3
"""Times a training pass of ./tp2 train against the NumPy version of the same training
(tp2_numpy.py), alternated on the same machine, and prints medians and ratios.

    python3 benchmarks/numpy/compare.py --data ../shared/cifar-10-batches-bin --rounds 5

Each round runs, for each thread count T: NumPy with OPENBLAS_NUM_THREADS=T, then
./tp2 train --threads T, both for --epochs epochs. Epoch 1 is left out (it holds the JIT's warm-up
and NumPy's first-touch of its arrays), so each cell has rounds x (epochs - 1) training passes.
This machine's speed changes by phases of seconds (README, "Results"): alternating is what makes
the two columns comparable, and the ranges say how much one run can be trusted. The last row pairs
each tp2 run with the NumPy run just before it (the same phase of the host, mostly) and gives the
median of those ratios.
Not part of the build; needs numpy.
"""
import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EPOCH_LINE = re.compile(r"^epoch (\d+)\s+([0-9.]+) s\s.*test ([0-9.]+)%")


def numpy_run(data, epochs, threads, lr):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, os.path.join(HERE, "tp2_numpy.py"), "--data", data, "--epochs", str(epochs),
                          "--lr", lr],
                         env=env, check=True, capture_output=True, text=True).stdout
    rows = [EPOCH_LINE.match(line) for line in out.splitlines()]
    rows = [(int(m.group(1)), float(m.group(2)), float(m.group(3))) for m in rows if m]
    if len(rows) != epochs:
        raise SystemExit("compare: tp2_numpy.py printed %d epoch lines, expected %d" % (len(rows), epochs))
    return rows


def tp2_run(data, epochs, threads, lr):
    with tempfile.TemporaryDirectory(prefix="tp2-compare-") as tmp:
        run = os.path.join(tmp, "run")
        subprocess.run([os.path.join(ROOT, "tp2"), "train", "--epochs", str(epochs), "--threads", str(threads),
                        "--data", data, "--lr", lr, "--out", run], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(run, "metrics.csv")) as f:
            return [(int(r["epoch"]), float(r["train_seconds"]), 100 * float(r["test_acc"])) for r in csv.DictReader(f)]


def cell(values):
    return "%.2f-%.2f, median %.2f" % (min(values), max(values), statistics.median(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="CIFAR-10 binary folder (cifar-10-batches-bin)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--lr", default="1e-3", help="learning rate of both (default 1e-3, the trainer's)")
    args = parser.parse_args()
    if args.epochs < 2 or args.rounds < 1:
        raise SystemExit("compare: needs --epochs >= 2 and --rounds >= 1")
    threads = [int(t) for t in args.threads.split(",")]

    seconds = {(who, t): [] for who in ("numpy", "tp2") for t in threads}
    paired = {t: [] for t in threads}   # per round: NumPy's median pass / tp2's, run back to back
    accuracy = {}
    for r in range(args.rounds):
        for t in threads:
            medians = {}
            for who, run in (("numpy", numpy_run), ("tp2", tp2_run)):
                rows = run(args.data, args.epochs, t, args.lr)
                passes = [s for e, s, _ in rows if e >= 2]
                seconds[(who, t)] += passes
                medians[who] = statistics.median(passes)
                accuracy[(who, t)] = rows[-1][2]
                print("round %d, %d thread(s), %-5s: %s" % (r + 1, t, who, " ".join("%.2f" % s for e, s, _ in rows if e >= 2)),
                      flush=True)
            paired[t].append(medians["numpy"] / medians["tp2"])

    print()
    print("| seconds per training pass (epochs 2-%d of %d runs) | %s |" % (args.epochs, args.rounds,
          " | ".join("%d thread%s" % (t, "" if t == 1 else "s") for t in threads)))
    print("| --- | %s |" % " | ".join("---" for _ in threads))
    for who, label in (("numpy", "NumPy + OpenBLAS"), ("tp2", "./tp2 train")):
        print("| %s | %s |" % (label, " | ".join(cell(seconds[(who, t)]) for t in threads)))
    print("| NumPy time / tp2 time (medians) | %s |" % " | ".join(
        "%.2fx" % (statistics.median(seconds[("numpy", t)]) / statistics.median(seconds[("tp2", t)])) for t in threads))
    print("| the same ratio paired by round (median, range) | %s |" % " | ".join(
        "%.2fx (%.2f-%.2f)" % (statistics.median(paired[t]), min(paired[t]), max(paired[t])) for t in threads))
    print()
    print("test accuracy after epoch %d: %s" % (args.epochs, ", ".join(
        "%s %d thread(s) %.2f%%" % (who, t, accuracy[(who, t)]) for who in ("numpy", "tp2") for t in threads)))


if __name__ == "__main__":
    main()
