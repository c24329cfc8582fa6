#!/usr/bin/env bash
# bench/profile.sh - where an echo server's CPU goes under the reference
# kit's scenarios: for each server and scenario, one load generator run
# under `perf stat` (system calls, io_uring operations and context switches
# per request) and one under `perf record -g -e cpu-clock` of the server's
# process, summarised by bench/perfsum.py (categories, CPU per request,
# top symbols). Same placement as compare.sh (lat1_64: both ends on CPU 0).
#
# Usage: bench/profile.sh [NAME=COMMAND ...]
#   default: C epoll, netlab epoll, netlab uring ({port} as in compare.sh)
# Counts per request (perf stat): system calls, io_uring submissions,
# completions and poll arms, context switches, and sock_sendmsg and
# sock_recvmsg calls (the sock:sock_*_length tracepoints, every caller:
# read/write, recv/send, io_uring), the receives that found nothing apart.
# Environment:
#   SCENARIOS="c50_512 c500_64"   scenarios of ../shared/bench/lib.sh
#   REC_S=4      seconds recorded (after 1 s of load)   HZ=1999  sampling rate
#   OUT=DIR      perf data and summaries                [target/bench/profile-<UTC time>]
#   SHARED_BENCH=DIR                                    [../shared/bench]
# Needs perf and root (or perf_event_paranoid <= 1) for kernel symbols.
# About 12 s per server and scenario.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED_BENCH="${SHARED_BENCH:-$ROOT/../shared/bench}"
. "$SHARED_BENCH/lib.sh"
(cd "$ROOT" && cargo build --release --quiet) || exit 1
NETLAB="$ROOT/target/release/netlab"
bench_init
SCENARIOS="${SCENARIOS:-c50_512 c500_64}"
REC_S="${REC_S:-4}"
HZ="${HZ:-1999}"
OUT="${OUT:-$ROOT/target/bench/profile-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
if [ $# -eq 0 ]; then
    set -- "c-epoll=$BIN/epoll_echo {port}" \
        "netlab-epoll=$NETLAB echo-server --model epoll --bind 127.0.0.1 {port}" \
        "netlab-uring=$NETLAB echo-server --model uring --bind 127.0.0.1 {port}"
fi
SERVERS=("$@")
EVENTS="task-clock,context-switches,cpu-migrations"
for s in io_uring_enter epoll_wait epoll_ctl read write accept4 close; do EVENTS="$EVENTS,syscalls:sys_enter_$s"; done
for t in io_uring_submit_req io_uring_poll_arm io_uring_complete io_uring_local_work_run; do EVENTS="$EVENTS,io_uring:$t"; done
EVENTS="$EVENTS,sock:sock_send_length,sock:sock_recv_length"
# the same receive tracepoint again, counting only the calls that failed
# (EAGAIN: a receive that found nothing); reported as sock_recv_length_failed
EVENT_ARGS=(-e "$EVENTS" -e sock:sock_recv_length --filter 'ret < 0')

for sc in $SCENARIOS; do
    for spec in "${SERVERS[@]}"; do
        name="${spec%%=*}"
        eval "set -- ${spec#*=}"
        scenario_args "$sc" || exit 1
        port=$(pick_port) || exit 1
        start_server "$port" "$@" || continue
        base="$OUT/$name-$sc"
        # 1. counts: perf stat over a whole 2 s load generator run (no warm-up)
        perf stat -x, -o "$base.stat" "${EVENT_ARGS[@]}" -p "$SRV_PID" &
        pst=$!
        sleep 0.3
        "${LG_PFX[@]}" "$LOADGEN" --port "$port" $SC_ARGS -d 2 --warmup 0 >"$base.stat.json" 2>/dev/null
        kill -INT "$pst"; wait "$pst" 2>/dev/null
        # 2. profile: REC_S seconds from 1 s into a run; CPU per request is
        #    the samples over (the run's req/s x REC_S)
        "${LG_PFX[@]}" "$LOADGEN" --port "$port" $SC_ARGS -d "$(awk "BEGIN{print $REC_S + 1}")" --warmup 0.5 >"$base.rec.json" 2>/dev/null &
        LG_PID=$!
        sleep 1
        perf record -q -g -e cpu-clock -F "$HZ" -p "$SRV_PID" -o "$base.data" -- sleep "$REC_S" 2>/dev/null
        wait "$LG_PID"; LG_PID=""
        stop_server
        "$PY" - "$base" "$name" "$sc" "$REC_S" <<'EOF' >"$base.counts"
import json, sys
base, name, sc, rec_s = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
d = json.loads([l for l in open(base + ".stat.json") if l.startswith("{")][-1])
n = d.get("requests") or d.get("cycles") or 0
counts = {}
for line in open(base + ".stat"):
    f = line.strip().split(",")
    if len(f) > 2 and f[0] and f[0][0].isdigit():
        counts[f[2] + ("_failed" if f[2] in counts else "")] = float(f[0])
r = json.loads([l for l in open(base + ".rec.json") if l.startswith("{")][-1])
rate = r.get("rps") or r.get("conns_per_s") or 0
per = {k.split(":")[-1].replace("sys_enter_", ""): round(v / n, 3) for k, v in counts.items() if n and k != "task-clock"}
print(json.dumps({"server": name, "scenario": sc, "stat_requests": n, "stat_rate": d.get("rps") or d.get("conns_per_s"),
                  "cpu_us_per_request": round(counts.get("task-clock", 0) * 1e3 / n, 2) if n else None,
                  "per_request": per, "record_rate": rate, "record_requests": round(rate * rec_s)}))
EOF
        req=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["record_requests"])' "$base.counts")
        perf script -i "$base.data" 2>/dev/null | "$PY" "$ROOT/bench/perfsum.py" --hz "$HZ" --requests "$req" >"$base.md"
        echo "## $name $sc"
        cat "$base.counts"
        head -14 "$base.md"
        echo
    done
done
echo "# profiles and summaries in $OUT" >&2
