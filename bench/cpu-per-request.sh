#!/usr/bin/env bash
# bench/cpu-per-request.sh — CPU time per request of each process, direct and
# through sockguard: where the time of a GET /_ping run goes on this machine.
#
# For each run: bench_loadgen against bench_mockd (direct), then against
# sockguard in front of the same mockd; the user+system CPU each process used
# (loadgen from its rusage, mockd and sockguard from /proc/PID/stat) divided
# by the requests served. Also prints the ratio the CPU alone allows on a
# machine whose cores are all busy: (loadgen + mockd) / (loadgen + mockd +
# sockguard), from the direct and proxied costs, next to the measured
# sockguard/direct req/s.
#
# usage: bench/cpu-per-request.sh [--conc C] [--duration S] [--runs N]
#   defaults: --conc 64 --duration 5 --runs 3
# env: SOCKGUARD_BIN (default build/sockguard), BENCH_BUILD_DIR (default
#      build/: bench_mockd and bench_loadgen)
set -euo pipefail
cd "$(dirname "$0")/.."
CONC=64 DUR=5 RUNS=3
while [ $# -gt 0 ]; do
	case $1 in
	--conc) CONC=$2; shift 2 ;; --duration) DUR=$2; shift 2 ;; --runs) RUNS=$2; shift 2 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
BD=${BENCH_BUILD_DIR:-build}
SG=${SOCKGUARD_BIN:-build/sockguard}
W=$(mktemp -d /tmp/sg-cpu.XXXXXX)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$W"' EXIT
"$BD/bench_mockd" --socket "$W/mock.sock" --threads "$(nproc)" 2>/dev/null & M=$!; PIDS+=($M)
sleep 0.5
"$SG" serve -c bench/sockguard-bench.yaml --listen-socket "$W/sg.sock" --upstream-socket "$W/mock.sock" \
	2>"$W/sg.log" & S=$!; PIDS+=($S)
sleep 1
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# one run: prints "req/s loadgen_us mockd_us sockguard_us"
run() {
	local m0 s0 m1 s1
	m0=$(ticks "$M"); s0=$(ticks "$S")
	/usr/bin/time -f "%U %S" -o "$W/time" "$BD/bench_loadgen" --socket "$1" --path /_ping \
		--concurrency "$CONC" --duration "$DUR" >"$W/lg.json"
	m1=$(ticks "$M"); s1=$(ticks "$S")
	python3 - "$W" "$((m1 - m0))" "$((s1 - s0))" "$(getconf CLK_TCK)" <<'PY'
import json, sys
w, m, s, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = json.load(open(w + "/lg.json"))
u, k = map(float, open(w + "/time").read().split()[-2:])
n = r["requests"]
print(r["rps"], (u + k) * 1e6 / n, m / hz * 1e6 / n, s / hz * 1e6 / n)
PY
}
for i in $(seq "$RUNS"); do
	read -r d_rps d_lg d_mk _ < <(run "$W/mock.sock")
	read -r p_rps p_lg p_mk p_sg < <(run "$W/sg.sock")
	python3 - "$i" "$CONC" "$d_rps" "$d_lg" "$d_mk" "$p_rps" "$p_lg" "$p_mk" "$p_sg" <<'PY'
import sys
i, c = sys.argv[1], sys.argv[2]
d_rps, d_lg, d_mk, p_rps, p_lg, p_mk, p_sg = map(float, sys.argv[3:])
print(f"run {i} c{c}: direct {d_rps:,.0f} req/s, CPU us/req loadgen {d_lg:.1f} mockd {d_mk:.1f} | "
      f"sockguard {p_rps:,.0f} req/s, CPU us/req loadgen {p_lg:.1f} mockd {p_mk:.1f} sockguard {p_sg:.1f} | "
      f"CPU-bound ratio {(d_lg + d_mk) / (p_lg + p_mk + p_sg):.2f}, measured {p_rps / d_rps:.2f}")
PY
done
