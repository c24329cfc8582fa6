#!/usr/bin/env bash
# bench/probes.sh - the measurements behind BENCHMARKS.md's "what limits it":
#   fork:   page faults and CPU per connection (connect-echo-close cycles),
#           netlab's fork model against the C fork peer;
#   thread: context switches per request at 50 connections, netlab's thread
#           and epoll models against tokio.
# Needs the reference peers and loadgen built by ../shared/bench/build.sh.
# Usage: bench/probes.sh [fork|thread|all]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BENCH_OUT:-/tmp/netlab-bench}/bin"
WHAT="${1:-all}"
(cd "$ROOT" && cargo build --release --quiet)
NETLAB="$ROOT/target/release/netlab"
port() { echo $((20000 + RANDOM % 10000)); }

fork_probe() { # name cmd... (the port is appended)
    local name=$1 p; shift; p=$(port)
    "$@" "$p" >/dev/null 2>&1 & local pid=$!
    sleep 0.4
    local b a
    b=$(awk '{print $10, $14+$15, $16+$17}' "/proc/$pid/stat")
    "$BIN/loadgen" --port "$p" --mode connrate -c 4 -s 64 -d 2 --warmup 0 --max-requests 3000 >/tmp/netlab-probe.json
    sleep 0.5
    a=$(awk '{print $10, $14+$15, $16+$17}' "/proc/$pid/stat")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    python3 - "$name" "$b" "$a" <<'PY'
import json, os, sys
name, b, a = sys.argv[1], list(map(int, sys.argv[2].split())), list(map(int, sys.argv[3].split()))
d = json.load(open("/tmp/netlab-probe.json")); n = d["cycles"]; hz = os.sysconf("SC_CLK_TCK")
print(f"{name:14} conn/s {d['conns_per_s']:8.0f}  parent faults/conn {(a[0]-b[0])/n:5.1f}  "
      f"parent CPU us/conn {(a[1]-b[1])*1e6/hz/n:6.1f}  children CPU us/conn {(a[2]-b[2])*1e6/hz/n:6.1f}")
PY
}

ctx_probe() { # name cmd... (the port is appended)
    local name=$1 p; shift; p=$(port)
    "$@" "$p" >/dev/null 2>&1 & local pid=$!
    sleep 0.4
    ctx() { cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/{v+=$2} END{print v+0}'; }
    "$BIN/loadgen" --port "$p" -c 50 -s 512 -d 3 --warmup 0 >/tmp/netlab-probe.json & local lg=$!
    sleep 0.7; local b; b=$(ctx); sleep 2; local a; a=$(ctx)
    wait "$lg"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    python3 - "$name" "$b" "$a" <<'PY'
import json, sys
d = json.load(open("/tmp/netlab-probe.json"))
print(f"{sys.argv[1]:14} req/s {d['rps']:8.0f}  voluntary context switches per request {(int(sys.argv[3])-int(sys.argv[2]))/(2*d['rps']):.2f}")
PY
}

if [ "$WHAT" = fork ] || [ "$WHAT" = all ]; then
    for r in 1 2 3; do
        fork_probe "netlab-fork" "$NETLAB" echo-server --model fork --bind 127.0.0.1
        fork_probe "C fork" "$BIN/fork_echo"
    done
fi
if [ "$WHAT" = thread ] || [ "$WHAT" = all ]; then
    for r in 1 2; do
        ctx_probe "netlab-thread" "$NETLAB" echo-server --model thread --bind 127.0.0.1
        ctx_probe "netlab-epoll" "$NETLAB" echo-server --model epoll --bind 127.0.0.1
        ctx_probe "tokio" "$BIN/tokio_echo"
    done
fi
