#!/usr/bin/env python3
"""Turns rectify_bench's JSON (Google Benchmark) into the README's markdown tables.

Usage: tools/bench_table.py RESULTS.json [MORE_RESULTS.json ...]

Benchmarks are named function/direction/type/implementation/n (see bench/rectify_bench.cpp);
each contributes its "elements" rate (input elements per second), shown here as elements/ns.
With repetitions, the median is used; with several result files (runs of the same binary), the
median of their medians, cell by cell. A ratio is rectify's speed over the other's: above 1,
rectify is faster; below 1, slower.
"""
import json
import sys

FUNCTIONS = ["relu", "leaky_relu", "prelu", "crelu", "elu", "gelu", "gelu_tanh", "silu", "mish",
             "softplus", "squareplus", "delu"]
DIRECTIONS = ["forward", "derivative", "backward"]
PEERS = ["plain", "fast_math", "eigen", "onednn"]
SMALL, MEDIUM, LARGE = 16384, 262144, 16777216


def load(path):
    """Returns (context, {(function, direction, type, impl, n): elements per ns})."""
    with open(path) as f:
        data = json.load(f)
    medians, singles = {}, {}
    for b in data["benchmarks"]:
        if "elements" not in b:
            continue
        parts = b["run_name"].split("/")
        if len(parts) != 5:
            continue
        key = (parts[0], parts[1], parts[2], parts[3], int(parts[4]))
        rate = b["elements"] / 1e9
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[key] = rate
        else:
            singles.setdefault(key, []).append(rate)
    rates = {k: sorted(v)[len(v) // 2] for k, v in singles.items()}
    rates.update(medians)
    return data.get("context", {}), rates


def streams(function, direction):
    """Arrays of n elements a kernel reads and writes: the memcpy it is compared with."""
    outputs = 2 if function == "crelu" else 1
    return 1 + outputs + (1 if direction == "backward" else 0)


def fmt_rate(v):
    return "—" if v is None else f"{v:.3g}"


def fmt_ratio(v):
    return "—" if v is None else f"{v:.2f}×"


def ratio(a, b):
    return a / b if a is not None and b else None


def fastest_peer(rates, function, direction, typ, n):
    best = None
    for peer in PEERS:
        v = rates.get((function, direction, typ, peer, n))
        if v is not None and (best is None or v > best[1]):
            best = (peer, v)
    return best


def float_table(rates, arch):
    rows = []
    print(f"### float ({arch} build), elements/ns; ratios are rectify's speed over the other's\n")
    print(f"| function | direction | rectify n={SMALL} | rectify n={MEDIUM} | fastest peer "
          f"n={SMALL} | vs fastest n={SMALL} | vs fastest n={MEDIUM} | vs plain loop "
          f"n={SMALL} | vs copy bound n={LARGE} | subnormal slowdown |")
    print("|---|---|--:|--:|---|--:|--:|--:|--:|--:|")
    for function in FUNCTIONS:
        for direction in DIRECTIONS:
            r = {n: rates.get((function, direction, "float", "rectify", n))
                 for n in (SMALL, MEDIUM, LARGE)}
            if all(v is None for v in r.values()):
                continue
            best_small = fastest_peer(rates, function, direction, "float", SMALL)
            best_medium = fastest_peer(rates, function, direction, "float", MEDIUM)
            plain = rates.get((function, direction, "float", "plain", SMALL))
            copy = rates.get(("copy", f"{streams(function, direction)}streams", "float", "memcpy",
                              LARGE))
            slowdown = None
            if direction == "forward":
                sub = rates.get((function, "forward", "float", "rectify_subnormal", SMALL))
                slowdown = ratio(r[SMALL], sub)
            vs_best = ratio(r[SMALL], best_small[1] if best_small else None)
            rows.append((vs_best, function, direction, best_small))
            print(f"| {function} | {direction} | {fmt_rate(r[SMALL])} | {fmt_rate(r[MEDIUM])} | "
                  f"{best_small[0] + ' ' + fmt_rate(best_small[1]) if best_small else '—'} | "
                  f"{fmt_ratio(vs_best)} | "
                  f"{fmt_ratio(ratio(r[MEDIUM], best_medium[1] if best_medium else None))} | "
                  f"{fmt_ratio(ratio(r[SMALL], plain))} | {fmt_ratio(ratio(r[LARGE], copy))} | "
                  f"{fmt_ratio(slowdown) if slowdown is not None else ''} |")
    print("\nSubnormal slowdown: forward speed on [-8, 8] over forward speed on inputs whose "
          "outputs are mostly subnormal (above 1: slower on subnormals).")
    return rows


def double_table(rates, arch):
    print(f"\n### double ({arch} build), elements/ns at n={SMALL}\n")
    print("| function | direction | rectify | plain loop | vs plain loop |")
    print("|---|---|--:|--:|--:|")
    for function in FUNCTIONS:
        for direction in DIRECTIONS:
            r = rates.get((function, direction, "double", "rectify", SMALL))
            plain = rates.get((function, direction, "double", "plain", SMALL))
            if r is None and plain is None:
                continue
            print(f"| {function} | {direction} | {fmt_rate(r)} | {fmt_rate(plain)} | "
                  f"{fmt_ratio(ratio(r, plain))} |")


def load_runs(paths):
    """load() of each file; each cell is the median over the files (the lower middle for an
    even count)."""
    runs = [load(path) for path in paths]
    cells = {}
    for _, rates in runs:
        for key, rate in rates.items():
            cells.setdefault(key, []).append(rate)
    return runs[0][0], {k: sorted(v)[(len(v) - 1) // 2] for k, v in cells.items()}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    context, rates = load_runs(sys.argv[1:])
    if len(sys.argv) > 2:
        print(f"Median of {len(sys.argv) - 1} runs, cell by cell")
    print(f"Columns found: {context.get('columns_found', '?')}; missing: "
          f"{context.get('columns_missing', '?')}")
    if "onednn" in context:
        print(f"oneDNN: {context['onednn']}")
    print(f"Machine: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
          f"{context.get('date', '')}\n")
    arch = context.get("rectify_arch", "?")
    rows = float_table(rates, arch)
    double_table(rates, arch)
    slow = sorted((row for row in rows if row[0] is not None), key=lambda row: row[0])[:8]
    if slow:
        print(f"\nSlowest against the fastest peer (float, n={SMALL}):")
        for vs_best, function, direction, best in slow:
            print(f"  {function} {direction}: {vs_best:.2f}× of {best[0]}")


if __name__ == "__main__":
    main()
