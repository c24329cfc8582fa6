#!/usr/bin/env python3
"""bench/pairs.py - paired ratios from compare.sh's raw JSON lines.

compare.sh's own summary gives each peer's median headline and the median
of its per-round headline ratio to BASE. This adds the same paired ratio
for server CPU per request (srv_cpu_us_per_op), and ratios between any two
peers of the run (A/B pairs, e.g. --threads 2 over one thread).

Usage: bench/pairs.py FILE.jsonl [--base NAME] [--pair A/B ...] [--markdown]
  --base NAME   peer the ratios are taken against                [epoll]
  --pair A/B    also print A over B, same round (repeatable)
Each cell: median of the per-round ratios (min-max); "cpu" is the ratio of
server CPU per request, so below 1.00 means cheaper than the base.
"""
import json
import statistics
import sys


def headline(d):
    if d.get("mode") == "connrate":
        return d.get("conns_per_s")
    if str(d.get("scenario", "")).startswith("bulk"):
        return d.get("mbps")
    return d.get("rps")


def load(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            if d.get("ok") is not False:
                rows.append(d)
    return rows


def ratio_cell(rows, sc, a, b, key):
    by = {}
    for d in rows:
        if d.get("scenario") == sc and d.get("peer") in (a, b):
            by.setdefault(str(d.get("round")), {})[d["peer"]] = d
    rs = []
    for pair in by.values():
        if a in pair and b in pair:
            x, y = key(pair[a]), key(pair[b])
            if x is not None and y:
                rs.append(x / y)
    if not rs:
        return "-"
    return f"{statistics.median(rs):.2f} ({min(rs):.2f}–{max(rs):.2f})"


def main(argv):
    base, pairs, md, files = "epoll", [], False, []
    i = 0
    while i < len(argv):
        if argv[i] == "--base":
            base = argv[i + 1]
            i += 2
        elif argv[i] == "--pair":
            pairs.append(tuple(argv[i + 1].split("/", 1)))
            i += 2
        elif argv[i] == "--markdown":
            md = True
            i += 1
        else:
            files.append(argv[i])
            i += 1
    rows = [d for f in files for d in load(f)]
    scenarios, peers = [], []
    for d in rows:
        if d["scenario"] not in scenarios:
            scenarios.append(d["scenario"])
        if d["peer"] not in peers:
            peers.append(d["peer"])
    cpu = lambda d: d.get("srv_cpu_us_per_op")
    lines = [("scenario", "peer / " + base, "headline ratio", "srv CPU/op ratio")]
    for sc in scenarios:
        for p in peers:
            if p != base:
                lines.append((sc, p, ratio_cell(rows, sc, p, base, headline), ratio_cell(rows, sc, p, base, cpu)))
    for a, b in pairs:
        for sc in scenarios:
            lines.append((sc, f"{a} / {b}", ratio_cell(rows, sc, a, b, headline), ratio_cell(rows, sc, a, b, cpu)))
    if md:
        print("| " + " | ".join(lines[0]) + " |")
        print("|" + "---|" * len(lines[0]))
        for l in lines[1:]:
            print("| " + " | ".join(l) + " |")
    else:
        w = [max(len(l[k]) for l in lines) for k in range(len(lines[0]))]
        for l in lines:
            print("  ".join(c.ljust(w[k]) for k, c in enumerate(l)))


if __name__ == "__main__":
    main(sys.argv[1:])
