#!/usr/bin/env python3
"""Times a training pass of ./tp2 train against the same training in other tools, alternated on the
same machine, and prints medians, ratios to tp2 and test accuracies.

    python3 benchmarks/numpy/compare.py --data DIR --rounds 4 --epochs 4
    python3 benchmarks/numpy/compare.py --data DIR --peak            # also the README's results row
    python3 benchmarks/numpy/compare.py --data DIR --who numpy,djl,dl4j,tp2   # the Java peers too
    python3 benchmarks/numpy/compare.py --data DIR --isa avx2        # as on an AVX2 machine (below)

The contenders: NumPy (tp2_numpy.py), PyTorch through DJL and DL4J (benchmarks/peers, built on
first use with mvn -P peers), and ./tp2 train.

Each round runs, for each thread count T, every contender once (in the order given by --who) for
--epochs epochs. Epoch 1 is left out (it holds the JIT's warm-up and NumPy's first touch of its
arrays), so each cell has rounds x (epochs - 1) training passes. These machines change speed by
phases of seconds (docs/performance.md): alternating is what makes the columns comparable. The
"paired" ratio pairs each contender's run with the tp2 run of the same round.

Peers run at their best: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set and which
hold a current OpenBLAS to its AVX2 kernels, are removed from the peer's environment alone, and the
OpenBLAS core NumPy used is printed. With --peak, PeakBenchmark (JMH) measures the FMA peak of one
and two cores in the same run, and a last table gives each thread count's share of the FMA floor
(61.7 GFLOP an epoch at width 100, at the peak). Not part of the build; needs numpy.

--isa runs everyone as on a machine with narrower vectors, on this CPU: the JVMs (tp2, its peak, the
Java peers) with JAVA_TOOL_OPTIONS restricting C2 (avx2: -XX:UseAVX=2, 256-bit vectors and 16
registers; neon: -XX:MaxVectorSize=16, 128-bit and 32 registers, the stand-in for ARM's NEON; sse:
both, 128-bit and 16), and NumPy with the OpenBLAS core of the same vector width
(OPENBLAS_CORETYPE=Haswell for avx2, Nehalem for the 128-bit ones).
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
PEER_UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# --isa: the JVM flags (JAVA_TOOL_OPTIONS) and the OpenBLAS core of each restricted configuration
ISAS = {"native": ("", None), "avx2": ("-XX:UseAVX=2", "Haswell"), "neon": ("-XX:MaxVectorSize=16", "Nehalem"),
        "sse": ("-XX:UseAVX=2 -XX:MaxVectorSize=16", "Nehalem")}
ISA = "native"
def epoch_gflop(hidden):
    """Multiply-adds x 2 of a training pass: forward and weight gradient of both layers, the small input gradient."""
    return 2 * 50000 * (3072 * hidden + 3073 * hidden + hidden * 10 + (hidden + 1) * 10 + 10 * hidden) / 1e9


def peer_env(threads):
    env = {k: v for k, v in os.environ.items() if k not in PEER_UNSET}
    env.update(OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    flags, core = ISAS[ISA]
    if core:
        env["OPENBLAS_CORETYPE"] = core
    if flags:
        env["JAVA_TOOL_OPTIONS"] = flags
    return env


def jvm_env():
    """tp2's environment: this one, with the --isa flags in JAVA_TOOL_OPTIONS."""
    env = dict(os.environ)
    if ISAS[ISA][0]:
        env["JAVA_TOOL_OPTIONS"] = ISAS[ISA][0]
    return env


def numpy_run(args, threads):
    out = subprocess.run([sys.executable, os.path.join(HERE, "tp2_numpy.py"), "--data", args.data,
                          "--epochs", str(args.epochs), "--lr", args.lr, "--hidden", str(args.hidden),
                          "--batch-size", str(args.batch_size)],
                         env=peer_env(threads), check=True, capture_output=True, text=True).stdout
    rows = [EPOCH_LINE.match(line) for line in out.splitlines()]
    rows = [(int(m.group(1)), float(m.group(2)), float(m.group(3))) for m in rows if m]
    if len(rows) != args.epochs:
        raise SystemExit("compare: tp2_numpy.py printed %d epoch lines, expected %d" % (len(rows), args.epochs))
    return rows


def tp2_run(args, threads):
    with tempfile.TemporaryDirectory(prefix="tp2-compare-") as tmp:
        run = os.path.join(tmp, "run")
        subprocess.run([os.path.join(ROOT, "tp2"), "train", "--epochs", str(args.epochs), "--threads", str(threads),
                        "--data", args.data, "--lr", args.lr, "--hidden", str(args.hidden),
                        "--batch-size", str(args.batch_size), "--out", run],
                       env=jvm_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(run, "metrics.csv")) as f:
            return [(int(r["epoch"]), float(r["train_seconds"]), 100 * float(r["test_acc"])) for r in csv.DictReader(f)]


PEERS = os.path.join(ROOT, "benchmarks", "peers")
PEER_LOG = {}   # per peer, lines its first run printed about its BLAS and threads


def peers_classpath():
    """Builds the peers module once (mvn -P peers: about a gigabyte of natives) and returns its classpath."""
    listing = os.path.join(PEERS, "target", "classpath.txt")
    if not os.path.exists(listing):
        print("compare: building the peers (mvn -P peers package; the first time downloads ~1 GB)...", flush=True)
        subprocess.run(["mvn", "-q", "-B", "-P", "peers", "-pl", "benchmarks/peers", "-am", "-DskipTests", "package"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with open(listing) as f:
        return os.path.join(PEERS, "target", "classes") + os.pathsep + f.read().strip()


def java_peer(main, args, threads, extra_flags=()):
    cache = os.path.join(PEERS, "target")
    env = peer_env(threads)
    env.update(DJL_CACHE_DIR=os.path.join(cache, "djl-cache"), ENGINE_CACHE_DIR=os.path.join(cache, "djl-cache"))
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    cmd = [java, "-Xmx6g", "-Dorg.bytedeco.javacpp.cachedir=" + os.path.join(cache, "javacpp-cache"), *extra_flags,
           "-cp", peers_classpath(), main, "--data", args.data, "--epochs", str(args.epochs), "--lr", args.lr,
           "--hidden", str(args.hidden), "--batch-size", str(args.batch_size)]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    if main not in PEER_LOG:
        PEER_LOG[main] = [l.strip() for l in (done.stdout + done.stderr).splitlines()
                          if re.search(r"blas|backend used|num_threads|cores|engine", l, re.I)][:6]
    rows = [EPOCH_LINE.match(line) for line in done.stdout.splitlines()]
    rows = [(int(m.group(1)), float(m.group(2)), float(m.group(3))) for m in rows if m]
    if len(rows) != args.epochs:
        raise SystemExit("compare: %s printed %d epoch lines, expected %d:\n%s" % (main, len(rows), args.epochs,
                                                                                  done.stdout + done.stderr))
    return rows


def djl_run(args, threads):
    return java_peer("tp2.peers.DjlTrain", args, threads,
                     ["-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=%d" % threads,
                      "-Dai.djl.pytorch.num_interop_threads=1"])


def dl4j_run(args, threads):
    return java_peer("tp2.peers.Dl4jTrain", args, threads)


RUNNERS = {"numpy": ("NumPy + OpenBLAS", numpy_run), "djl": ("PyTorch 2.7.1 through DJL 0.36", djl_run),
           "dl4j": ("DL4J 1.0.0-M2.1 MultiLayerNetwork", dl4j_run), "tp2": ("./tp2 train", tp2_run)}


def numpy_core():
    """The OpenBLAS core NumPy's bundled library picks in a peer's environment."""
    probe = ("import numpy, ctypes, glob, os\n"
             "libs = glob.glob(os.path.join(os.path.dirname(numpy.__file__), os.pardir, 'numpy.libs', '*openblas*.so*'))\n"
             "f = ctypes.CDLL(libs[0]).scipy_openblas_get_corename64_\n"
             "f.restype = ctypes.c_char_p\n"
             "print(f().decode())\n")
    try:
        return subprocess.run([sys.executable, "-c", probe], env=peer_env(1), check=True, capture_output=True,
                              text=True).stdout.strip()
    except (subprocess.CalledProcessError, OSError):
        return "unknown"


def cpu_name():
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" in line:
                    key, value = line.split(":", 1)
                    fields.setdefault(key.strip(), value.strip())
    except OSError:
        return "unknown CPU"
    return "%s (family %s, model %s)" % (fields.get("model name", "?"), fields.get("cpu family", "?"), fields.get("model", "?"))


def fma_peak():
    """GFLOP/s of one core and of two, from PeakBenchmark in one short JMH run (its report's GFLOP/s column)."""
    with tempfile.TemporaryDirectory(prefix="tp2-peak-") as tmp:
        subprocess.run([os.path.join(ROOT, "tp2"), "bench", "--include", "PeakBenchmark", "--out", tmp],
                       env=jvm_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(tmp, "report.md")) as f:
            rows = [line.split("|") for line in f if line.startswith("| PeakBenchmark.fmaPeak")]
    peak = {}
    for row in rows:
        name, gflops = row[1].strip(), float(row[5].strip().replace(",", ""))
        peak["2" if name.endswith("2") else "1"] = gflops
    return peak


def cell(values):
    return "%.2f-%.2f, median %.2f" % (min(values), max(values), statistics.median(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="CIFAR-10 binary folder (cifar-10-batches-bin)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--who", default="numpy,tp2", help="comma-separated contenders: " + ", ".join(RUNNERS))
    parser.add_argument("--lr", default="1e-3", help="learning rate of all (default 1e-3, the trainer's)")
    parser.add_argument("--peak", action="store_true", help="measure the FMA peak too and print the results row")
    parser.add_argument("--hidden", type=int, default=100, help="hidden units of all (default 100)")
    parser.add_argument("--batch-size", type=int, default=128, help="batch size of all (default 128)")
    parser.add_argument("--isa", default="native", choices=sorted(ISAS),
                        help="run as on a machine with narrower vectors (see the top of this file)")
    args = parser.parse_args()
    global ISA
    ISA = args.isa
    if args.epochs < 2 or args.rounds < 1:
        raise SystemExit("compare: needs --epochs >= 2 and --rounds >= 1")
    threads = [int(t) for t in args.threads.split(",")]
    who = args.who.split(",")
    for w in who:
        if w not in RUNNERS:
            raise SystemExit("compare: unknown contender %r (known: %s)" % (w, ", ".join(RUNNERS)))
    if "tp2" not in who:
        who.append("tp2")

    print("CPU: %s, %d cores" % (cpu_name(), os.cpu_count()))
    if ISA != "native":
        print("--isa %s: JAVA_TOOL_OPTIONS=%s, OPENBLAS_CORETYPE=%s" % (ISA, ISAS[ISA][0], ISAS[ISA][1]))
    if "numpy" in who:
        print("NumPy's OpenBLAS core (with %s unset%s): %s" % (" and ".join(PEER_UNSET),
              ", then OPENBLAS_CORETYPE=" + ISAS[ISA][1] if ISAS[ISA][1] else "", numpy_core()))
    peak = fma_peak() if args.peak else None
    if peak:
        print("FMA peak (PeakBenchmark): %.0f GFLOP/s one core, %.0f two" % (peak["1"], peak["2"]))

    seconds = {(w, t): [] for w in who for t in threads}
    paired = {(w, t): [] for w in who for t in threads}   # per round: w's median pass / tp2's
    accuracy = {}
    for r in range(args.rounds):
        for t in threads:
            medians = {}
            for w in who:
                rows = RUNNERS[w][1](args, t)
                passes = [s for e, s, _ in rows if e >= 2]
                seconds[(w, t)] += passes
                medians[w] = statistics.median(passes)
                accuracy[(w, t)] = rows[-1][2]
                print("round %d, %d thread(s), %-5s: %s" % (r + 1, t, w, " ".join("%.2f" % s for s in passes)), flush=True)
            for w in who:
                paired[(w, t)].append(medians[w] / medians["tp2"])

    print()
    print("| seconds per training pass (epochs 2-%d of %d runs) | %s |" % (args.epochs, args.rounds,
          " | ".join("%d thread%s" % (t, "" if t == 1 else "s") for t in threads)))
    print("| --- | %s |" % " | ".join("---" for _ in threads))
    for w in who:
        print("| %s | %s |" % (RUNNERS[w][0], " | ".join(cell(seconds[(w, t)]) for t in threads)))
    for w in who:
        if w == "tp2":
            continue
        print("| %s time / tp2 time: medians; paired by round (range) | %s |" % (w, " | ".join(
            "%.2fx; %.2fx (%.2f-%.2f)" % (statistics.median(seconds[(w, t)]) / statistics.median(seconds[("tp2", t)]),
                                          statistics.median(paired[(w, t)]), min(paired[(w, t)]), max(paired[(w, t)]))
            for t in threads)))
    for main, lines in PEER_LOG.items():
        if lines:
            print("%s said: %s" % (main.rsplit(".", 1)[-1], "; ".join(lines)))
    print()
    print("test accuracy after epoch %d: %s" % (args.epochs, ", ".join(
        "%s %d thread(s) %.2f%%" % (w, t, accuracy[(w, t)]) for w in who for t in threads)))
    if peak and 1 in threads:
        tp2 = {t: statistics.median(seconds[("tp2", t)]) for t in threads}
        print()
        print("| CPU | cores | FMA peak, 1 core | tp2 pass, 1 / 2 threads | 2 threads / 1 | % of the FMA floor, 1 / 2 threads | NumPy / tp2, 1 / 2 threads |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        t2 = 2 if 2 in threads else None
        floor1 = epoch_gflop(args.hidden) / peak["1"]
        floor2 = epoch_gflop(args.hidden) / peak["2"]
        print("| %s | %d | %.0f GFLOP/s | %.2f / %s s | %s | %.0f%% / %s | %s |" % (
            cpu_name(), os.cpu_count(), peak["1"], tp2[1], "%.2f" % tp2[t2] if t2 else "-",
            "%.2fx" % (tp2[1] / tp2[t2]) if t2 else "-", 100 * floor1 / tp2[1],
            "%.0f%%" % (100 * floor2 / tp2[t2]) if t2 else "-",
            " / ".join("%.2fx" % statistics.median(paired[("numpy", t)]) for t in threads) if "numpy" in who else "-"))


if __name__ == "__main__":
    main()
