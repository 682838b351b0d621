#!/usr/bin/env bash
# bench/run.sh — sockguard vs. Tecnativa-style HAProxy vs. direct, on one machine.
#
# Builds bench_mockd and bench_loadgen, starts the mock daemon, HAProxy with
# bench/haproxy-tecnativa.cfg and sockguard (if it starts), then runs every
# scenario against the three targets interleaved (the order rotates every
# round), R rounds, and prints medians and the median of per-round ratios.
# Every process it starts is stopped on exit.
#
# usage: bench/run.sh [--quick] [--rounds R] [--duration S] [--idle N]
#                     [--only REGEX] [--out DIR] [--log] [--no-build]
#   --quick      R=1 and 1 s runs (smoke test)
#   --rounds R   rounds per scenario (default 5)
#   --duration S seconds per rps run (default 3)
#   --idle N     idle connections in the idle scenario (default 10000, lowered
#                to what the hard RLIMIT_NOFILE lets HAProxy hold)
#   --only RE    run only the scenarios whose name matches RE (grep -E)
#   --out DIR    where results.jsonl, table.md and the logs go
#                (default /tmp/sockguard-bench-<time>)
#   --log        per-request access logs on in both proxies (off by default)
#   --aa         also run a second, identical HAProxy ("haproxy-b"): the
#                haproxy-b/haproxy ratios show this machine's noise floor
#   --no-build   use the binaries already in $BENCH_BUILD_DIR
#   --summarize DIR  only print the tables again from DIR/results.jsonl
# Inspection cost (issue #5): the create scenarios also run against
# "sockguard-uninspected", a second sockguard on the same mock daemon whose
# policy is replaced at start-up by the allow-all sg_policy_fixed(true)
# (bench_inspect_cost serve-uninspected: nothing is buffered or inspected),
# and the "inspect-cost" step runs the bench_inspect_cost micro-benchmark
# (ns per body vs. sg_policy_decide alone). Both print their own table.
# env: SOCKGUARD_BIN (default <repo>/build/sockguard), BENCH_BUILD_DIR
#      (default /tmp/build-bench), MOCKD_THREADS (default: number of CPUs),
#      LOADGEN_THREADS (default 1), INSPECT_ITERATIONS / INSPECT_RUNS
#      (bench_inspect_cost, default 5000 x 15)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
BUILD=${BENCH_BUILD_DIR:-/tmp/build-bench}
SOCKGUARD_BIN=${SOCKGUARD_BIN:-$ROOT/build/sockguard}
ROUNDS=5
DUR=3
IDLE=10000
BUSY=10
ONLY=.
OUT=""
LOG=0
AA=0
SUMMARIZE=""
BUILD_IT=1

while [ $# -gt 0 ]; do
	case "$1" in
	--quick) ROUNDS=1; DUR=1 ;;
	--rounds) ROUNDS=$2; shift ;;
	--duration) DUR=$2; shift ;;
	--idle) IDLE=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--out) OUT=$2; shift ;;
	--log) LOG=1 ;;
	--aa) AA=1 ;;
	--summarize) SUMMARIZE=$2; shift ;;
	--no-build) BUILD_IT=0 ;;
	-h|--help) sed -n '2,34p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
OUT=${OUT:-/tmp/sockguard-bench-$(date -u +%Y%m%dT%H%M%SZ)}
[ -n "$SUMMARIZE" ] || mkdir -p "$OUT"
say() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# summarize RESULTS SG_OK SG_NOTE DUR LOAD0 LOAD1: the markdown tables on stdout
summarize() {
	python3 - "$@" <<'PY'
import json, statistics, sys
path, sg_ok, sg_note, dur, load0, load1 = sys.argv[1:7]
rows = [json.loads(l) for l in open(path) if l.strip()]
micro = [x for x in rows if x["target"] == "micro"]
rows = [x for x in rows if x["target"] != "micro"]
if sg_ok == "auto":
    sg_ok = "1" if any(x["target"] == "sockguard" for x in rows) else "0"
rounds = max((x["round"] for x in rows), default=0)
idle = next((x["scenario"][5:] for x in rows if x["scenario"].startswith("idle-")), "?")
med = statistics.median
order, by = [], {}
for x in rows:
    if x["scenario"] not in order:
        order.append(x["scenario"])
    by.setdefault((x["scenario"], x["target"]), []).append(x)

def good(x):
    r = x["result"]
    return r is not None and x["rc"] == 0 and r.get("requests", 0) > 0

def vals(sc, t, key):
    return {x["round"]: x["result"][key] for x in by.get((sc, t), []) if good(x)}

def bad(sc, t):
    return sum(1 for x in by.get((sc, t), []) if not good(x))

def fmt(v, metric):
    if v is None:
        return "—"
    return f"{v:,.0f}" if metric == "rps" else f"{v:,.1f}"

def cell(sc, t, metric):
    if t == "sockguard" and sg_ok != "1":
        return "pending"
    v = vals(sc, t, metric)
    s = fmt(med(v.values()) if v else None, metric)
    b = bad(sc, t)
    return s + (f" ({b} failed)" if b else "")

def metric_of(sc):
    return next(x["metric"] for x in rows if x["scenario"] == sc)

def unit_of(metric):
    return "req/s" if metric == "rps" else "MB/s"

def ratio(sc, a, b, metric):
    va, vb = vals(sc, a, metric), vals(sc, b, metric)
    rs = [va[r] / vb[r] for r in va if r in vb and vb[r] > 0]
    return f"{med(rs):.2f}" if rs else "—"

print(f"Rounds: {rounds}, rps runs {dur} s; medians over rounds; ratios are the median of per-round ratios.")
print(f"Load average (1/5/15 min) at start: {load0}; at end: {load1}.\n")
print("| scenario | metric | direct | sockguard | haproxy | sockguard/haproxy | sockguard/direct | haproxy/direct |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for sc in order:
    metric = metric_of(sc)
    print(f"| {sc} | {unit_of(metric)} | {cell(sc,'direct',metric)} | {cell(sc,'sockguard',metric)} | "
          f"{cell(sc,'haproxy',metric)} | {ratio(sc,'sockguard','haproxy',metric)} | "
          f"{ratio(sc,'sockguard','direct',metric)} | {ratio(sc,'haproxy','direct',metric)} |")

lat = [sc for sc in order if metric_of(sc) == "rps"]
if lat:
    print("\nLatency (µs, medians over rounds of each run's p50 / p99):\n")
    print("| scenario | direct p50 / p99 | sockguard p50 / p99 | haproxy p50 / p99 |")
    print("| --- | ---: | ---: | ---: |")
    for sc in lat:
        cs = []
        for t in ("direct", "sockguard", "haproxy"):
            p50, p99 = vals(sc, t, "p50_us"), vals(sc, t, "p99_us")
            if t == "sockguard" and sg_ok != "1":
                cs.append("pending")
            elif p50:
                cs.append(f"{med(p50.values()):,.0f} / {med(p99.values()):,.0f}")
            else:
                cs.append("—")
        print(f"| {sc} | " + " | ".join(cs) + " |")

idle_sc = [sc for sc in order if sc.startswith("idle-")]
for sc in idle_sc:
    print(f"\nIdle connections ({idle} held open after one GET /_ping each, 10 busy connections running GET /_ping):\n")
    print("| proxy | RSS before (MiB) | RSS with idle conns (MiB) | KiB per idle conn | busy req/s | idle conns closed by proxy |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for t in ("sockguard", "haproxy"):
        if t == "sockguard" and sg_ok != "1":
            print("| sockguard | pending | pending | pending | pending | pending |")
            continue
        rb, ri = vals(sc, t, "rss_before_kib"), vals(sc, t, "rss_idle_kib")
        pc, rp, cl = vals(sc, t, "per_conn_kib"), vals(sc, t, "rps"), vals(sc, t, "idle_closed")
        if not rb:
            print(f"| {t} | — | — | — | — | — |")
            continue
        print(f"| {t} | {med(rb.values())/1024:.1f} | {med(ri.values())/1024:.1f} | "
              f"{med(pc.values()):.2f} | {med(rp.values()):,.0f} | {med(cl.values()):.0f} |")
if any(x["target"] == "haproxy-b" for x in rows):
    print("\nA/A noise control: a second identical HAProxy, haproxy-b/haproxy per round:\n")
    print("| scenario | median ratio | min – max over rounds |")
    print("| --- | ---: | ---: |")
    for sc in order:
        metric = metric_of(sc)
        va, vb = vals(sc, "haproxy-b", metric), vals(sc, "haproxy", metric)
        rs = sorted(va[r] / vb[r] for r in va if r in vb and vb[r] > 0)
        if rs:
            print(f"| {sc} | {med(rs):.2f} | {rs[0]:.2f} – {rs[-1]:.2f} |")
ni = [sc for sc in order if (sc, "sockguard-uninspected") in by]
if ni:
    print("\nInspection cost: the same requests through sockguard with container-create inspection "
          "(its default) and through a second sockguard whose policy allows everything without "
          "inspecting (sg_policy_fixed(true)); inspected/uninspected per round, then the median:\n")
    print("| scenario | inspected req/s | uninspected req/s | inspected/uninspected | min – max over rounds "
          "| inspected p50 / p99 µs | uninspected p50 / p99 µs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for sc in ni:
        va, vb = vals(sc, "sockguard", "rps"), vals(sc, "sockguard-uninspected", "rps")
        rs = sorted(va[r] / vb[r] for r in va if r in vb and vb[r] > 0)
        lat = []
        for t in ("sockguard", "sockguard-uninspected"):
            p50, p99 = vals(sc, t, "p50_us"), vals(sc, t, "p99_us")
            lat.append(f"{med(p50.values()):,.0f} / {med(p99.values()):,.0f}" if p50 else "—")
        print(f"| {sc} | {cell(sc, 'sockguard', 'rps')} | {cell(sc, 'sockguard-uninspected', 'rps')} | "
              + (f"{med(rs):.2f} | {rs[0]:.2f} – {rs[-1]:.2f}" if rs else "— | —")
              + f" | {lat[0]} | {lat[1]} |")
fl = [sc for sc in order if (sc, "relay") in by]
if fl:
    print("\nFloor: bench_relay (bench/relay.c) relays raw bytes with blocking splice, no HTTP, "
          "one thread per direction: the least a third process can do with these bytes. "
          "relay/direct is what any proxy costs on this machine; sockguard/relay is sockguard's own share:\n")
    print("| scenario | metric | direct | relay | sockguard | relay/direct | sockguard/relay | haproxy/relay |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for sc in fl:
        metric = metric_of(sc)
        print(f"| {sc} | {unit_of(metric)} | {cell(sc,'direct',metric)} | {cell(sc,'relay',metric)} | {cell(sc,'sockguard',metric)} | "
              f"{ratio(sc,'relay','direct',metric)} | {ratio(sc,'sockguard','relay',metric)} | "
              f"{ratio(sc,'haproxy','relay',metric)} |")
if micro:
    print("\nbench_inspect_cost (ns per request, median of runs; decide = sg_policy_decide alone, "
          "what an uninspected request pays; inspect = decide + sg_policy_inspect, arena reset each time):\n")
    print("| body | bytes | decide ns | decide (allow-all policy) ns | decide + inspect ns | fastest run ns "
          "| data-plane sequence ns | inspect/decide | MiB/s inspected |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for x in micro:
        m = x["result"]
        if not m:
            print(f"| {x['scenario']} | failed (rc {x['rc']}) | | | | | | | |")
            continue
        print(f"| {m['body'].rsplit('/', 1)[-1]} | {m['body_bytes']:,} | {m['decide_ns']:,.1f} | "
              f"{m['decide_fixed_ns']:,.1f} | {m['inspect_ns']:,.0f} | {m.get('inspect_ns_min', 0):,.0f} | {m['dataplane_ns']:,.0f} | "
              f"{m['inspect_over_decide']:,.0f} | {m['inspect_mib_s']:,.0f} |")
if sg_ok != "1":
    print(f"\nsockguard: pending ({sg_note}).")
fails = [x for x in rows if not good(x) or (x["result"] or {}).get("errors")]
if fails:
    print("\nFailed or erroring runs: " + ", ".join(
        f"{x['scenario']}/{x['target']}/r{x['round']} (rc {x['rc']})" for x in fails))
PY
}

if [ -n "$SUMMARIZE" ]; then
	summarize "$SUMMARIZE/results.jsonl" auto "not run" "?" "n/a" "n/a"
	exit 0
fi

# ---- build ----------------------------------------------------------------
if [ "$BUILD_IT" = 1 ]; then
	for try in 1 2 3; do
		if cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSG_TESTS=OFF \
			>"$OUT/cmake.log" 2>&1; then
			break
		fi
		[ "$try" = 3 ] && { say "cmake configure failed, see $OUT/cmake.log"; exit 1; }
		say "cmake configure failed (another file in flux?), retrying in 30 s"
		sleep 30
	done
	cmake --build "$BUILD" -j2 --target bench_mockd bench_loadgen bench_inspect_cost bench_relay >>"$OUT/cmake.log" 2>&1 \
		|| { say "build failed, see $OUT/cmake.log"; exit 1; }
fi
MOCKD="$BUILD/bench_mockd"
LOADGEN="$BUILD/bench_loadgen"
INSPECT_COST="$BUILD/bench_inspect_cost"
RELAY="$BUILD/bench_relay"
command -v haproxy >/dev/null || { say "haproxy not installed (apt-get install haproxy)"; exit 1; }

# ---- processes --------------------------------------------------------------
WORK=$(mktemp -d /tmp/sg-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

target_sock() { case $1 in direct) echo "$MOCK_SOCK" ;; sockguard) echo "$SG_SOCK" ;; sockguard-uninspected) echo "$NI_SOCK" ;; relay) echo "$RELAY_SOCK" ;; haproxy) echo "$HAP_SOCK" ;; haproxy-b) echo "$HAPB_SOCK" ;; esac; }
target_pid() { case $1 in direct) echo "$MOCK_PID" ;; sockguard) echo "$SG_PID" ;; sockguard-uninspected) echo "$NI_PID" ;; relay) echo "$RELAY_PID" ;; haproxy) echo "$HAP_PID" ;; haproxy-b) echo "$HAPB_PID" ;; esac; }
MOCK_SOCK="$WORK/mock.sock"
HAP_SOCK="$WORK/haproxy.sock"
HAPB_SOCK="$WORK/haproxy-b.sock"
SG_SOCK="$WORK/sockguard.sock"
NI_SOCK="$WORK/sockguard-uninspected.sock"
RELAY_SOCK="$WORK/relay.sock"

# probe SOCK: one GET /_ping answered with 200, retried for up to 5 s
probe() {
	local i
	for i in $(seq 50); do
		if [ -S "$1" ] && "$LOADGEN" --socket "$1" --requests 1 --duration 2 >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# The hard fd limit bounds the idle scenario: HAProxy wants 2 x maxconn + ~20
# fds and refuses to start otherwise; a proxy that keeps an upstream
# connection per client needs two per connection as well.
HARD_NOFILE=$(ulimit -Hn)
if [ "$HARD_NOFILE" != unlimited ]; then
	MAX_IDLE=$(( (HARD_NOFILE - 100) / 2 - BUSY - 64 ))
	if [ "$IDLE" -gt "$MAX_IDLE" ]; then
		say "hard RLIMIT_NOFILE is $HARD_NOFILE: idle connections lowered from $IDLE to $MAX_IDLE"
		IDLE=$MAX_IDLE
	fi
fi
ulimit -n "$HARD_NOFILE" 2>/dev/null || true

"$MOCKD" --socket "$MOCK_SOCK" --threads "${MOCKD_THREADS:-$(nproc)}" 2>"$OUT/mockd.log" &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
probe "$MOCK_SOCK" || { say "mockd did not start, see $OUT/mockd.log"; exit 1; }

# HAProxy: Tecnativa's switches for what the scenarios call (GET /_ping,
# GET /containers/json, POST /containers/create and attach) plus the
# bench-only synthetic paths.
HAP_ENV=(SOCKET_PATH="$MOCK_SOCK"
	HAPROXY_MAXCONN=$(( IDLE + BUSY + 64 ))
	PING=1 VERSION=1 CONTAINERS=1 POST=1 ALLOW_ATTACH=1 BENCH_PATHS=1)
[ "$LOG" = 1 ] && HAP_ENV+=(HAPROXY_BENCH_LOG=1)
HAP_PID=""
start_haproxy() {
	env "${HAP_ENV[@]}" SG_BENCH_LISTEN="$HAP_SOCK" \
		haproxy -db -f "$BENCH/haproxy-tecnativa.cfg" >>"$OUT/haproxy.log" 2>&1 &
	HAP_PID=$!
	PIDS+=("$HAP_PID")
	probe "$HAP_SOCK"
}
HAPB_PID=""
start_haproxy_b() {
	env "${HAP_ENV[@]}" SG_BENCH_LISTEN="$HAPB_SOCK" \
		haproxy -db -f "$BENCH/haproxy-tecnativa.cfg" >>"$OUT/haproxy-b.log" 2>&1 &
	HAPB_PID=$!
	PIDS+=("$HAPB_PID")
	probe "$HAPB_SOCK"
}

SG_PID=""
if [ -x "$SOCKGUARD_BIN" ]; then
	# --log: access lines are INFO records, so the level comes down too
	sed -e "s/access_log: false/access_log: $([ "$LOG" = 1 ] && echo true || echo false)/" \
		-e "s/level: warn/level: $([ "$LOG" = 1 ] && echo info || echo warn)/" \
		"$BENCH/sockguard-bench.yaml" >"$WORK/sockguard.yaml"
fi
start_sockguard() {
	"$SOCKGUARD_BIN" serve -c "$WORK/sockguard.yaml" --listen-socket "$SG_SOCK" \
		--upstream-socket "$MOCK_SOCK" >>"$OUT/sockguard.log" 2>&1 &
	SG_PID=$!
	PIDS+=("$SG_PID")
	probe "$SG_SOCK"
}

# The uninspected peer of the create scenarios: the same serve code, the
# same configuration, but the compiled policy is swapped for the allow-all
# sg_policy_fixed(true) before the first request (bench/inspect_cost.c).
NI_PID=""
start_uninspected() {
	"$INSPECT_COST" serve-uninspected -c "$WORK/sockguard.yaml" --listen-socket "$NI_SOCK" \
		--upstream-socket "$MOCK_SOCK" >>"$OUT/sockguard-uninspected.log" 2>&1 &
	NI_PID=$!
	PIDS+=("$NI_PID")
	probe "$NI_SOCK"
}

# stop_target NAME: stop a proxy and wait for it (the idle scenario restarts
# the proxies so that each RSS baseline is a fresh process's)
stop_target() {
	local pid
	pid=$(target_pid "$1")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	local keep=() p
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

HAP_OK=1
start_haproxy || { HAP_OK=0; stop_target haproxy; say "haproxy did not start, see $OUT/haproxy.log: its rows are skipped"; }

SG_OK=0
SG_NOTE=""
if [ -x "$SOCKGUARD_BIN" ]; then
	if start_sockguard; then
		SG_OK=1
	else
		SG_NOTE="sockguard ($SOCKGUARD_BIN) did not answer GET /_ping: $(tail -n 1 "$OUT/sockguard.log" 2>/dev/null | tr -d '\n' | cut -c1-160)"
		stop_target sockguard
	fi
else
	SG_NOTE="sockguard binary not found at $SOCKGUARD_BIN"
fi
[ "$SG_OK" = 1 ] || say "$SG_NOTE: its rows are skipped"

# sockguard-uninspected, for the create scenarios only: it must forward a
# body the inspecting sockguard refuses (privileged), or it is not what it
# claims to be
NI_OK=0
WANT_NI=0
for n in create-c64 create-3k-c1 create-3k-c64; do echo "$n" | grep -Eq -- "$ONLY" && WANT_NI=1; done
if [ "$SG_OK" = 1 ] && [ -x "$INSPECT_COST" ] && [ "$WANT_NI" = 1 ]; then
	printf '{"Image":"x","HostConfig":{"Privileged":true}}' >"$WORK/privileged.json"
	pcheck() { "$LOADGEN" --socket "$1" --mode upload --path /v1.41/containers/create \
		--body-file "$WORK/privileged.json" --requests 1 --concurrency 1 --duration 2 >/dev/null 2>&1; }
	if ! start_uninspected; then
		say "sockguard-uninspected did not start, see $OUT/sockguard-uninspected.log"
		stop_target sockguard-uninspected
	elif pcheck "$SG_SOCK"; then
		say "sockguard forwarded a privileged create: it does not inspect; no inspection-cost rows"
		stop_target sockguard-uninspected
	elif ! pcheck "$NI_SOCK"; then
		say "sockguard-uninspected refused a privileged create: it inspects; no inspection-cost rows"
		stop_target sockguard-uninspected
	else
		NI_OK=1
		say "sockguard-uninspected up: forwards a privileged create that sockguard refuses (403)"
	fi
fi

# The floor, for ping-c1 and the mb_s scenarios: bench_relay, a raw blocking
# splice relay with no HTTP (see bench/relay.c; a thread per connection, so
# not for the many-connection scenarios). sockguard/relay is sockguard's own
# overhead; relay/direct is what a third process costs on this machine.
RELAY_OK=0
WANT_RELAY=0
for n in ping-c1 stream-1g stream-chunked-1g stream-chunked32k-1g upload-256m hijack-256m; do echo "$n" | grep -Eq -- "$ONLY" && WANT_RELAY=1; done
RELAY_PID=""
if [ "$WANT_RELAY" = 1 ] && [ -x "$RELAY" ]; then
	"$RELAY" --listen "$RELAY_SOCK" --upstream "$MOCK_SOCK" 2>>"$OUT/relay.log" &
	RELAY_PID=$!
	PIDS+=("$RELAY_PID")
	if probe "$RELAY_SOCK"; then RELAY_OK=1; else say "bench_relay did not start, see $OUT/relay.log: no floor rows"; fi
fi

TARGETS=(direct)
[ "$SG_OK" = 1 ] && TARGETS+=(sockguard)
[ "$HAP_OK" = 1 ] && TARGETS+=(haproxy)
if [ "$AA" = 1 ]; then
	if start_haproxy_b; then TARGETS+=(haproxy-b); else stop_target haproxy-b; say "haproxy-b did not start"; fi
fi

# ---- scenarios ----------------------------------------------------------------
# name|metric|loadgen arguments
SCENARIOS=(
	"ping-c1|rps|--mode rps --path /_ping --concurrency 1 --duration $DUR"
	"ping-c10|rps|--mode rps --path /_ping --concurrency 10 --duration $DUR"
	"ping-c64|rps|--mode rps --path /_ping --concurrency 64 --duration $DUR"
	"ping-c256|rps|--mode rps --path /_ping --concurrency 256 --duration $DUR"
	"list-2k-c64|rps|--mode rps --path /v1.41/containers/json --concurrency 64 --duration $DUR"
	"create-c64|rps|--mode upload --path /v1.41/containers/create --body-file $BENCH/create.json --concurrency 64 --duration $DUR"
	"create-3k-c1|rps|--mode upload --path /v1.41/containers/create?name=ci-4711-web-1 --body-file $BENCH/create-3k.json --concurrency 1 --duration $DUR"
	"create-3k-c64|rps|--mode upload --path /v1.41/containers/create?name=ci-4711-web-1 --body-file $BENCH/create-3k.json --concurrency 64 --duration $DUR"
	"stream-1g|mb_s|--mode stream --path /stream?bytes=1073741824 --concurrency 1 --requests 1 --duration 60"
	"stream-chunked-1g|mb_s|--mode stream --path /stream-chunked?bytes=1073741824 --concurrency 1 --requests 1 --duration 60"
	"stream-chunked32k-1g|mb_s|--mode stream --path /stream-chunked?bytes=1073741824&chunk=32768 --concurrency 1 --requests 1 --duration 60"
	"upload-256m|mb_s|--mode upload --path /upload --bytes 256M --concurrency 1 --requests 1 --duration 60"
	"hijack-256m|mb_s|--mode hijack --bytes 256M --concurrency 1 --requests 1 --duration 60"
	"idle-$IDLE|rps|--mode idle --path /_ping --idle-conns $IDLE --concurrency $BUSY --duration $DUR"
)

RESULTS="$OUT/results.jsonl"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$RESULTS"
say "targets: ${TARGETS[*]}$([ "$NI_OK" = 1 ] && echo ' (+ sockguard-uninspected for create*)'); rounds $ROUNDS; rps runs ${DUR}s; output in $OUT"
# The micro-benchmark: in-process, no proxy involved (the proxies idle).
if echo "inspect-cost" | grep -Eq -- "$ONLY" && [ -x "$INSPECT_COST" ]; then
	for b in create.json create-3k.json; do
		line=$("$INSPECT_COST" --config "$WORK/sockguard.yaml" --body "$BENCH/$b" \
			--iterations "${INSPECT_ITERATIONS:-5000}" --runs "${INSPECT_RUNS:-15}" \
			2>>"$OUT/inspect-cost.log") && rc=0 || rc=$?
		[ -n "$line" ] || line=null
		printf '{"scenario":"inspect-cost-%s","metric":"ns","target":"micro","round":1,"rc":%d,"result":%s}\n' \
			"${b%.json}" "$rc" "$line" >>"$RESULTS"
		say "inspect-cost $b: $line"
	done
fi
for sc in "${SCENARIOS[@]}"; do
	IFS='|' read -r name metric args <<<"$sc"
	echo "$name" | grep -Eq -- "$ONLY" || continue
	for r in $(seq "$ROUNDS"); do
		tl=("${TARGETS[@]}")
		case $name in create*) [ "$NI_OK" = 1 ] && tl+=(sockguard-uninspected) ;; esac
		if [ "$RELAY_OK" = 1 ] && { [ "$metric" = mb_s ] || [ "$name" = ping-c1 ]; }; then tl+=(relay); fi
		n=${#tl[@]}
		for k in $(seq 0 $((n - 1))); do
			t=${tl[$(( (k + r - 1) % n ))]}	# rotate the order each round
			case $name/$t in
			idle-*/haproxy) stop_target haproxy; start_haproxy || say "haproxy restart failed" ;;
			idle-*/haproxy-b) stop_target haproxy-b; start_haproxy_b || say "haproxy-b restart failed" ;;
			idle-*/sockguard) stop_target sockguard; start_sockguard || say "sockguard restart failed" ;;
			esac
			pid=$(target_pid "$t")
			if ! kill -0 "$pid" 2>/dev/null; then
				say "$t is no longer running: skipping $name round $r"
				continue
			fi
			extra=()
			# RSS is the proxy's; for direct it would be the mock daemon's
			[ "$t" != direct ] && extra=(--rss-pid "$pid")
			# shellcheck disable=SC2086
			line=$(timeout 120 "$LOADGEN" --socket "$(target_sock "$t")" $args "${extra[@]}" \
				--threads "${LOADGEN_THREADS:-1}" --label "$name" 2>>"$OUT/loadgen.log") && rc=0 || rc=$?
			[ -n "$line" ] || line=null
			printf '{"scenario":"%s","metric":"%s","target":"%s","round":%d,"rc":%d,"result":%s}\n' \
				"$name" "$metric" "$t" "$r" "$rc" "$line" >>"$RESULTS"
			say "$name round $r $t: $(echo "$line" | cut -c1-200)"
			case $name in idle-*) sleep 1 ;; *) sleep 0.2 ;; esac
		done
	done
done

# ---- summary --------------------------------------------------------------------
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
summarize "$RESULTS" "$SG_OK" "$SG_NOTE" "$DUR" "$LOAD_START" "$LOAD_END" >"$OUT/table.md"
cat "$OUT/table.md"
say "results: $RESULTS; table: $OUT/table.md"
