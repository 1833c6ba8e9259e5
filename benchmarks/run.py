"""Time the notes' workloads on teachtorch and on PyTorch, side by side.

    python benchmarks/run.py                     # every workload, both libraries
    python benchmarks/run.py --only ops cnn      # some workloads
    python benchmarks/run.py --check benchmarks/baseline.json   # regression guard
    python benchmarks/run.py --others            # add DeZero and MyGrad columns

Each (workload, library) runs in its own process: warm-up, then the median of several
repeats, and the process's peak memory. Both libraries get the same thread count
(BENCH_THREADS, default: all cores). The guard fails only on a gross slowdown: a
ratio more than twice the recorded baseline. ``--others`` also times the workloads as
written for DeZero and MyGrad (benchmarks/others/), with the same thread limits, and
prints "n/a" with the reason where a library cannot run one.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OTHERS = ("dezero", "mygrad")


def make_step(lib_name, workload):
    """Runs inside the child process: (step closure, None) or (None, why not)."""
    from workloads import THREADS, WORKLOADS

    if lib_name in OTHERS:
        import importlib

        import numpy as np

        module = importlib.import_module(f"others.{lib_name}_workloads")
        if workload in module.NOT_AVAILABLE:
            return None, module.NOT_AVAILABLE[workload]
        np.random.seed(0)
        return module.WORKLOADS[workload](), None
    if lib_name == "torch":
        import torch as lib

        lib.set_num_threads(THREADS)
    else:
        import teachtorch as lib
    lib.manual_seed(0)
    return WORKLOADS[workload](lib), None


def measure(lib_name, workload, repeats, warmup):
    """Runs inside the child process: returns (median seconds, peak RSS MiB), or
    {"na": reason} when the library cannot run the workload."""
    import resource

    step, reason = make_step(lib_name, workload)
    if step is None:
        return {"na": reason}
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return statistics.median(times), peak


def run_child(lib_name, workload, repeats, warmup):
    env = dict(os.environ)
    threads = env.get("BENCH_THREADS", str(os.cpu_count() or 1))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = threads
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import run, json; "
            f"print(json.dumps(run.measure({lib_name!r}, {workload!r}, {repeats}, "
            f"{warmup})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False, env=env, timeout=900)
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1] if out.stderr else "failed"
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if isinstance(result, dict):
        return None, "n/a: " + result["na"]
    return result, None


def other_columns(row, name, th, repeats, warmup):
    """Time ``name`` on DeZero and MyGrad; fill row; return the table cells and notes."""
    cells, notes = "", []
    for lib in OTHERS:
        res, err = run_child(lib, name, repeats, warmup)
        if res is None:
            row[f"{lib}_error"] = err
            notes.append(f"  {lib} {name}: {err}")
            cells += f" {'n/a' if err.startswith('n/a') else 'failed':>10s} {'-':>7s}"
            continue
        ratio = res[0] / th[0]
        row.update({f"{lib}_s": res[0], f"{lib}_ratio": ratio,
                    f"mem_{lib}_mib": res[1]})
        cells += f" {res[0] * 1e3:8.2f}ms {ratio:7.2f}"
    return cells, notes


def main(argv=None):
    from workloads import TARGETS, WORKLOADS

    p = argparse.ArgumentParser()
    p.add_argument("--lib", action="append", default=None)
    p.add_argument("--only", nargs="*", default=None)
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--json", default=None, help="write results here")
    p.add_argument("--check", default=None, help="baseline json: fail on 2x slowdown")
    p.add_argument("--others", action="store_true",
                   help="also time DeZero and MyGrad (columns and ratios to torch)")
    args = p.parse_args(argv)
    names = args.only or list(WORKLOADS)
    rows, notes = {}, []
    print(f"threads: {os.environ.get('BENCH_THREADS', os.cpu_count())}, "
          f"cores: {os.cpu_count()}")
    print(f"{'workload':14s} {'teachtorch':>12s} {'torch':>10s} {'ratio':>7s} "
          f"{'target':>7s} {'mem tt':>8s} {'mem torch':>9s}"
          + (f" {'dezero':>10s} {'dz/torch':>7s} {'mygrad':>10s} {'mg/torch':>7s}"
             if args.others else ""))
    for name in names:
        tt, err1 = run_child("teachtorch", name, args.repeats, args.warmup)
        th, err2 = run_child("torch", name, args.repeats, args.warmup)
        if tt is None or th is None:
            print(f"{name:14s} failed: {err1 or err2}")
            rows[name] = {"error": err1 or err2}
            continue
        ratio = tt[0] / th[0]
        target = TARGETS.get(name)
        rows[name] = {"teachtorch_s": tt[0], "torch_s": th[0], "ratio": ratio,
                      "mem_teachtorch_mib": tt[1], "mem_torch_mib": th[1]}
        line = (f"{name:14s} {tt[0] * 1e3:10.2f}ms {th[0] * 1e3:8.2f}ms {ratio:7.2f} "
                f"{(f'{target:.1f}' if target else '-'):>7s} {tt[1]:7.0f}M {th[1]:8.0f}M")
        if args.others:
            cells, why = other_columns(rows[name], name, th, args.repeats, args.warmup)
            line += cells
            notes += why
        print(line, flush=True)
    for note in notes:
        print(note)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=2))
    if args.check:
        base = json.loads(pathlib.Path(args.check).read_text())
        bad = [n for n, r in rows.items() if "ratio" in r and n in base
               and "ratio" in base[n] and r["ratio"] > 2 * base[n]["ratio"]]
        failed = [n for n, r in rows.items() if "error" in r]
        if bad or failed:
            print("REGRESSION:", ", ".join(bad), "FAILED:", ", ".join(failed))
            return 1
        print("no gross regression against", args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
