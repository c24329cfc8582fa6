#!/usr/bin/env bash
# bench/models.sh - every netlab echo-server model, driven by netlab's own
# load mode, side by side. Self-contained: needs only this repository.
#
# Usage: bench/models.sh            (from the repository root or anywhere)
# Environment:
#   MODELS="iterative fork select poll epoll thread"   models to run
#   SCENARIOS="lat1_64 idle1k_lat c50_512 c500_64 bulk1m connrate"
#   ROUNDS=3      rounds; the model order rotates each round (drift cancels)
#   DUR=2         seconds per run
#   OUT=DIR       where raw JSON lines and the table go [target/bench]
# Prints a markdown table of medians (req/s; MB/s for bulk1m; conn/s for
# connrate) and writes it to $OUT/models.md. About 6 minutes with defaults.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODELS="${MODELS:-iterative fork select poll epoll thread}"
SCENARIOS="${SCENARIOS:-lat1_64 idle1k_lat c50_512 c500_64 bulk1m connrate}"
ROUNDS="${ROUNDS:-3}"
DUR="${DUR:-2}"
OUT="${OUT:-$ROOT/target/bench}"
mkdir -p "$OUT"
RAW="$OUT/models-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
cargo build --release --quiet
NETLAB="$ROOT/target/release/netlab"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
PIN=()
command -v taskset >/dev/null 2>&1 && PIN=(taskset -c 0)

SRV_PID=""
cleanup() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null; SRV_PID=""; }
trap cleanup EXIT INT TERM

# load arguments per scenario; "pin" scenarios put both ends on CPU 0 (a
# cross-CPU wake-up costs more than the server's work on small VMs).
scenario() {
    case "$1" in
        lat1_64)    ARGS="--connections 1 --size 64"; PINNED=1 ;;
        idle1k_lat) ARGS="--connections 1 --size 64 --idle 1000"; PINNED=1 ;;
        c50_512)    ARGS="--connections 50 --size 512"; PINNED=0 ;;
        c500_64)    ARGS="--connections 500 --size 64"; PINNED=0 ;;
        bulk1m)     ARGS="--connections 1 --size 1M"; PINNED=0 ;;
        connrate)   ARGS="--connections 4 --size 64 --reconnect"; PINNED=0 ;;
        *) echo "unknown scenario $1" >&2; return 1 ;;
    esac
}

# The iterative model serves one client at a time: only the
# single-connection scenarios apply to it.
applies() {
    [ "$1" != iterative ] && return 0
    case "$2" in lat1_64|bulk1m|connrate) return 0 ;; *) return 1 ;; esac
}

run_one() { # model scenario round
    local model=$1 sc=$2 round=$3 port line pre=()
    scenario "$sc"
    [ "$PINNED" = 1 ] && pre=("${PIN[@]}")
    local log; log=$(mktemp /tmp/netlab-bench-XXXXXX)
    "${pre[@]}" "$NETLAB" --json echo-server --model "$model" --bind 127.0.0.1 0 >"$log" 2>/dev/null &
    SRV_PID=$!
    port=""
    for _ in $(seq 1 200); do
        port=$(head -1 "$log" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { echo "server $model did not start" >&2; cleanup; rm -f "$log"; return 0; }
    line=$(timeout 120 "${pre[@]}" "$NETLAB" --json echo-client $ARGS --duration "$DUR" --timeout 20 127.0.0.1 "$port" 2>/dev/null | tail -1 || true)
    cleanup
    rm -f "$log"
    [ -n "$line" ] || line='{"event":"summary","kind":"load","failed":true}'
    echo "$line" | sed "s/^{/{\"model\":\"$model\",\"scenario\":\"$sc\",\"round\":$round,/" >>"$RAW"
    echo "# r$round $sc $model $(echo "$line" | sed -n 's/.*"rps":\([0-9.]*\).*"mbps":\([0-9.]*\).*/rps=\1 mbps=\2/p')" >&2
}

for r in $(seq 1 "$ROUNDS"); do
    set -- $MODELS
    models=("$@")
    n=${#models[@]}
    for sc in $SCENARIOS; do
        for i in $(seq 0 $((n - 1))); do
            m=${models[$(( (i + r - 1) % n ))]}
            applies "$m" "$sc" && run_one "$m" "$sc" "$r"
        done
    done
done

python3 - "$RAW" "$MODELS" "$SCENARIOS" >"$OUT/models.md" <<'PY'
import json, statistics, sys
raw, models, scenarios = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
rows = [json.loads(l) for l in open(raw)]
def cell(m, s):
    v = [r for r in rows if r["model"] == m and r["scenario"] == s and not r.get("failed")]
    if not v:
        return "n/a"
    key = "mbps" if s == "bulk1m" else "rps"
    med = statistics.median(x[key] for x in v)
    p50 = statistics.median(x["latency_p50_us"] for x in v)
    bad = sum(x["errors"] + x["mismatches"] for x in v)
    unit = " MB/s" if s == "bulk1m" else ""
    return f"{med:,.0f}{unit} (p50 {p50:,.0f} us{', ERRORS' if bad else ''})"
print("| scenario | " + " | ".join(models) + " |")
print("|---|" + "---|" * len(models))
for s in scenarios:
    print(f"| {s} | " + " | ".join(cell(m, s) for m in models) + " |")
print(f"\nraw: {raw}")
PY
cat "$OUT/models.md"
