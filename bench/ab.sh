#!/usr/bin/env bash
# bench/ab.sh — two sockguard set-ups against one bench_mockd, interleaved:
# for each concurrency, ROUNDS rounds of one GET /_ping run on A then on B
# (bench_loadgen, DURATION s each), then the median of the per-round B/A
# ratios. For changes run.sh cannot put side by side: a build flag (two
# binaries) or a setting (two configs), e.g. access log on vs off:
#
#   bench/ab.sh --a build/sockguard --b build/sockguard \
#               --b-config /tmp/bench-log-on.yaml --conc "1 64" --rounds 10
#
# Options: --a BIN, --b BIN, --a-config F, --b-config F (default
# bench/sockguard-bench.yaml), --conc "LIST" (default "1 64"), --rounds N
# (default 8), --duration S (default 2), --stream PATH (instead of the
# GET /_ping runs: one stream of PATH per run, MB/s compared; e.g.
# '/stream-chunked?bytes=1073741824&chunk=32768'). Needs bench_mockd and
# bench_loadgen in $BENCH_BUILD_DIR (default build/). One line per run and a
# summary line per concurrency on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
A=build/sockguard B=build/sockguard ACFG=bench/sockguard-bench.yaml BCFG=bench/sockguard-bench.yaml
CONCS="1 64" ROUNDS=8 DUR=2 STREAM=""
while [ $# -gt 0 ]; do
	case $1 in
	--a) A=$2; shift 2 ;; --b) B=$2; shift 2 ;;
	--a-config) ACFG=$2; shift 2 ;; --b-config) BCFG=$2; shift 2 ;;
	--conc) CONCS=$2; shift 2 ;; --rounds) ROUNDS=$2; shift 2 ;; --duration) DUR=$2; shift 2 ;;
	--stream) STREAM=$2; CONCS=1; shift 2 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
BD=${BENCH_BUILD_DIR:-build}
W=$(mktemp -d /tmp/sg-ab.XXXXXX)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$W"' EXIT
"$BD/bench_mockd" --socket "$W/mock.sock" --threads "$(nproc)" 2>/dev/null & PIDS+=($!)
sleep 0.5
"$A" serve -c "$ACFG" --listen-socket "$W/a.sock" --upstream-socket "$W/mock.sock" 2>"$W/a.log" & PIDS+=($!)
"$B" serve -c "$BCFG" --listen-socket "$W/b.sock" --upstream-socket "$W/mock.sock" 2>"$W/b.log" & PIDS+=($!)
sleep 1
UNIT=req/s
[ -n "$STREAM" ] && UNIT=MB/s
rps() {
	if [ -n "$STREAM" ]; then
		"$BD/bench_loadgen" --socket "$1" --mode stream --path "$STREAM" |
			python3 -c 'import sys, json; print(json.load(sys.stdin)["mb_s"])'
	else
		"$BD/bench_loadgen" --socket "$1" --path /_ping --concurrency "$2" --duration "$DUR" |
			python3 -c 'import sys, json; print(json.load(sys.stdin)["rps"])'
	fi
}
for c in $CONCS; do
	label=c$c
	[ -n "$STREAM" ] && label=stream
	ratios=()
	for r in $(seq "$ROUNDS"); do
		a=$(rps "$W/a.sock" "$c"); b=$(rps "$W/b.sock" "$c")
		echo "$label round $r: A $a $UNIT, B $b $UNIT"
		ratios+=("$(python3 -c "print($b / $a)")")
	done
	python3 -c "import statistics, sys; r = [float(x) for x in sys.argv[2:]]; \
print('%s: B/A median %.2f (min %.2f, max %.2f, %d rounds)' % (sys.argv[1], statistics.median(r), min(r), max(r), len(r)))" \
		"$label" "${ratios[@]}"
done
