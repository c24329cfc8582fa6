#!/usr/bin/env bash
# bench/reference.sh - netlab's servers against the reference peers of
# ../shared/bench (C select, C fork, C epoll, tokio) with the verifying
# reference load generator, plus netlab's load mode against the reference
# load generator, and the idle-connection hold test.
#
# Usage: bench/reference.sh [compare|uring|loadgen|hold|all]     [all]
#   uring: issue 14's set against C epoll (BASE=epoll): C epoll, tokio,
#   netlab epoll and uring, each alone and with --threads 2
# Environment:
#   SHARED_BENCH=DIR   the reference harness            [../shared/bench]
#   ROUNDS, DUR, SCENARIOS as for its compare.sh; HOLD_COUNTS [19000]
#   LOADGEN_ROUNDS     paired rounds of the loadgen comparison [5]
#   OUT=DIR            results                          [target/bench]
# The reference harness builds its peers into $BENCH_OUT (/tmp/netlab-bench).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED_BENCH="${SHARED_BENCH:-$ROOT/../shared/bench}"
OUT="${OUT:-$ROOT/target/bench}"
WHAT="${1:-all}"
mkdir -p "$OUT"
[ -x "$SHARED_BENCH/compare.sh" ] || { echo "no reference harness at $SHARED_BENCH (set SHARED_BENCH)" >&2; exit 1; }
(cd "$ROOT" && cargo build --release --quiet)
NETLAB="$ROOT/target/release/netlab"
BIN="${BENCH_OUT:-/tmp/netlab-bench}/bin"
[ -x "$BIN/loadgen" ] || "$SHARED_BENCH/build.sh" >&2
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
stamp=$(date -u +%Y%m%dT%H%M%SZ)

nl() { echo "netlab-$1=$NETLAB echo-server --model $1 --bind 127.0.0.1 {port}"; }
nlt() { echo "netlab-$1-t$2=$NETLAB echo-server --model $1 --threads $2 --bind 127.0.0.1 {port}"; }

if [ "$WHAT" = compare ] || [ "$WHAT" = all ]; then
    OUT="$OUT/compare-$stamp.jsonl" BASE=tokio "$SHARED_BENCH/compare.sh" \
        select="$BIN/select_echo" fork="$BIN/fork_echo" epoll="$BIN/epoll_echo" tokio="$BIN/tokio_echo" \
        "$(nl select)" "$(nl fork)" "$(nl poll)" "$(nl epoll)" "$(nl thread)" | tee "$OUT/compare-$stamp.txt"
fi

if [ "$WHAT" = uring ] || [ "$WHAT" = all ]; then
    OUT="$OUT/compare-uring-$stamp.jsonl" BASE=epoll "$SHARED_BENCH/compare.sh" \
        epoll="$BIN/epoll_echo" tokio="$BIN/tokio_echo" \
        "$(nl epoll)" "$(nl uring)" "$(nlt epoll 2)" "$(nlt uring 2)" | tee "$OUT/compare-uring-$stamp.txt"
fi

if [ "$WHAT" = loadgen ] || [ "$WHAT" = all ]; then
    # Both load generators against the C epoll peer, alternating, 5 rounds
    # (LOADGEN_ROUNDS). The reference load generator measures 2.5 s after
    # a 0.5 s warm-up; netlab measures its whole --duration 2.5, start-up
    # included. A third run per round, netlab --duration 3 --interval 0.1,
    # gives its rate over the reference's window (0.5 s to 3 s) too.
    port=$((20000 + RANDOM % 10000))
    "$BIN/epoll_echo" "$port" >/dev/null 2>&1 &
    ep=$!
    trap 'kill $ep 2>/dev/null || true' EXIT
    sleep 0.3
    raw="$OUT/loadgen-$stamp.jsonl"
    for r in $(seq "${LOADGEN_ROUNDS:-5}"); do
        for sc in "50 512" "500 64"; do
            set -- $sc
            a=$("$BIN/loadgen" --port "$port" -c "$1" -s "$2" -d 2.5 --warmup 0.5 | tail -1)
            b=$("$NETLAB" --json echo-client --connections "$1" --size "$2" --duration 2.5 127.0.0.1 "$port" | tail -1)
            w=$("$NETLAB" --json echo-client --connections "$1" --size "$2" --duration 3 --interval 0.1 127.0.0.1 "$port" \
                | python3 -c 'import json, sys
iv = [e for e in map(json.loads, sys.stdin) if e["event"] == "interval" and e["start_s"] >= 0.499 and e["end_s"] <= 3.0001]
print(round(sum(e["requests"] for e in iv) / (iv[-1]["end_s"] - iv[0]["start_s"])) if iv else "null")')
            printf '{"round":%s,"c":%s,"s":%s,"loadgen":%s,"netlab":%s,"netlab_window_rps":%s}\n' "$r" "$1" "$2" "$a" "$b" "$w" >>"$raw"
        done
    done
    kill $ep 2>/dev/null || true
    python3 - "$raw" <<'PY' | tee "$OUT/loadgen-$stamp.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| scenario | rounds | reference loadgen req/s | netlab load mode req/s | median paired ratio (range) | netlab over the same window: ratio | netlab errors+mismatches |")
print("|---|---|---|---|---|---|---|")
for c, s in ((50, 512), (500, 64)):
    v = [r for r in rows if r["c"] == c and r["s"] == s]
    a = statistics.median(r["loadgen"]["rps"] for r in v)
    b = statistics.median(r["netlab"]["rps"] for r in v)
    ratios = [r["netlab"]["rps"] / r["loadgen"]["rps"] for r in v]
    ratio = statistics.median(ratios)
    win = [r["netlab_window_rps"] / r["loadgen"]["rps"] for r in v if r.get("netlab_window_rps")]
    w = f"{statistics.median(win):.2f} ({min(win):.2f}–{max(win):.2f})" if win else "n/a"
    bad = sum(r["netlab"]["errors"] + r["netlab"]["mismatches"] for r in v)
    print(f"| c{c}_{s} | {len(v)} | {a:,.0f} | {b:,.0f} | {ratio:.2f} ({min(ratios):.2f}–{max(ratios):.2f}) | {w} | {bad} |")
print(f"\nraw: {sys.argv[1]}")
PY
fi

if [ "$WHAT" = hold ] || [ "$WHAT" = all ]; then
    COUNTS="${HOLD_COUNTS:-19000}" OUT="$OUT/hold-$stamp.jsonl" "$SHARED_BENCH/hold.sh" \
        epoll="$BIN/epoll_echo" "$(nl epoll)" | tee "$OUT/hold-$stamp.txt"
fi
