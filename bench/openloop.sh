#!/usr/bin/env bash
# bench/openloop.sh - the load mode's own figures (BENCHMARKS.md, "Load
# mode for an engineer"): how exactly --rate holds its rate, and the
# coordinated-omission experiment against a server that stalls 300 ms once
# a second. Self-contained: netlab's epoll server and bench/stall_server.py.
#
# Usage: bench/openloop.sh [rate|stall|all]                       [all]
# Environment:
#   ROUNDS=5     runs of each
#   RATE=2000    requests/s for both
#   DUR=5        seconds per run
#   OUT=DIR      raw JSON lines and the tables [target/bench]
# Run it under the machine's benchmark lock if other work shares the CPUs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
WHAT="${1:-all}"
ROUNDS="${ROUNDS:-5}"
RATE="${RATE:-2000}"
DUR="${DUR:-5}"
OUT="${OUT:-$ROOT/target/bench}"
mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cargo build --release --quiet
NETLAB="$ROOT/target/release/netlab"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ "$WHAT" = rate ] || [ "$WHAT" = all ]; then
    # --rate against netlab's epoll server: achieved over target
    log=$(mktemp /tmp/netlab-bench-XXXXXX)
    "$NETLAB" --json echo-server --model epoll --bind 127.0.0.1 0 >"$log" 2>/dev/null &
    PIDS+=($!)
    for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
    port=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["port"])' "$log")
    raw="$OUT/rate-$stamp.jsonl"
    for r in $(seq "$ROUNDS"); do
        for c in 10 100; do
            "$NETLAB" --json echo-client --connections "$c" --rate "$RATE" --duration "$DUR" 127.0.0.1 "$port" \
                | tail -1 | python3 -c 'import json,sys; d=json.load(sys.stdin); d["round"]=int(sys.argv[1]); print(json.dumps(d))' "$r" >>"$raw"
        done
    done
    python3 - "$raw" <<'PY' | tee "$OUT/rate-$stamp.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| connections | runs | target req/s | achieved req/s (median, min..max) | achieved / target | latency p50 / p99 / max us (median) | errors |")
print("|---|---|---|---|---|---|---|")
for c in sorted({r["connections"] for r in rows}):
    v = [r for r in rows if r["connections"] == c]
    a = [r["rps"] for r in v]
    t = v[0]["target_rps"]
    med = lambda k: statistics.median(r["latency_us"][k] for r in v)
    print(f"| {c} | {len(v)} | {t:,.0f} | {statistics.median(a):,.0f} ({min(a):,.0f}..{max(a):,.0f}) | "
          f"{statistics.median(a)/t:.4f} ({min(a)/t:.4f}..{max(a)/t:.4f}) | {med('p50'):,.0f} / {med('p99'):,.0f} / {med('max'):,.0f} | "
          f"{sum(r['errors'] + r['mismatches'] for r in v)} |")
print(f"\nraw: {sys.argv[1]}")
PY
fi

if [ "$WHAT" = stall ] || [ "$WHAT" = all ]; then
    # the same load, open and closed loop, against a server that stalls
    # 300 ms once a second
    fifo=$(mktemp /tmp/netlab-bench-XXXXXX)
    python3 "$ROOT/bench/stall_server.py" >"$fifo" &
    PIDS+=($!)
    for _ in $(seq 50); do [ -s "$fifo" ] && break; sleep 0.1; done
    port=$(head -1 "$fifo")
    raw="$OUT/stall-$stamp.jsonl"
    for r in $(seq "$ROUNDS"); do
        for mode in open closed; do
            args=(--connections 10 --duration "$DUR")
            [ "$mode" = open ] && args+=(--rate "$RATE")
            "$NETLAB" --json echo-client "${args[@]}" --percentiles 50,90,99,99.9 127.0.0.1 "$port" \
                | tail -1 | python3 -c 'import json,sys; d=json.load(sys.stdin); d["round"]=int(sys.argv[1]); d["mode"]=sys.argv[2]; print(json.dumps(d))' "$r" "$mode" >>"$raw"
        done
    done
    python3 - "$raw" <<'PY' | tee "$OUT/stall-$stamp.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| loop | runs | req/s | latency p50 | p90 | p99 | p99.9 | max | service p50 | service p99 | (ms, medians) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for mode in ("closed", "open"):
    v = [r for r in rows if r["mode"] == mode]
    m = lambda f: statistics.median(f(r) for r in v)
    lat = lambda k: m(lambda r: r["latency_us"][k]) / 1000
    svc = lambda k: m(lambda r: (r["service_us"] or r["latency_us"])[k]) / 1000
    print(f"| {mode} | {len(v)} | {m(lambda r: r['rps']):,.0f} | {lat('p50'):.2f} | {lat('p90'):.2f} | {lat('p99'):.2f} | "
          f"{lat('p99.9'):.2f} | {lat('max'):.2f} | {svc('p50'):.2f} | {svc('p99'):.2f} | |")
print(f"\nraw: {sys.argv[1]}")
PY
fi
