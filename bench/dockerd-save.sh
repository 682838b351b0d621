#!/usr/bin/env bash
# bench/dockerd-save.sh — a real dockerd's chunked bodies: direct vs sockguard.
#
# Starts a private dockerd (Debian's docker.io, as the integration tests do),
# imports one image holding a single file of random bytes, then streams it
# with GET /images/{name}/get (what `docker save` reads: dockerd answers it
# chunked, 32 KiB chunks) through each target in turn, interleaved, R rounds,
# with bench_loadgen --mode stream. Prints MB/s per target and the median of
# the per-round ratios to direct. Every process it started is stopped on exit.
#
# usage: bench/dockerd-save.sh [--rounds R] [--mib M] [--b BIN]
#   --rounds R  rounds (default 7)
#   --mib M     size of the image's file in MiB (default 256)
#   --b BIN     a second sockguard binary, run as target "sockguard-b"
# env: SOCKGUARD_BIN (default <repo>/build/sockguard), BENCH_BUILD_DIR
#      (default /tmp/build-bench: bench_loadgen is built there)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD_DIR:-/tmp/build-bench}
SOCKGUARD_BIN=${SOCKGUARD_BIN:-$ROOT/build/sockguard}
ROUNDS=7
MIB=256
BIN_B=""
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) ROUNDS=$2; shift ;;
	--mib) MIB=$2; shift ;;
	--b) BIN_B=$2; shift ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

DIR=$(mktemp -d /tmp/sg-dockerd-save-XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -f "$DIR/docker.pid" ] && kill "$(cat "$DIR/docker.pid")" 2>/dev/null || true
	sleep 1
	rm -rf "$DIR" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSG_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target bench_loadgen -j2 >/dev/null

DSOCK="$DIR/docker.sock"
dockerd --host "unix://$DSOCK" --data-root "$DIR/data" --exec-root "$DIR/exec" \
	--pidfile "$DIR/docker.pid" --iptables=false --ip6tables=false --bridge=none \
	>"$DIR/dockerd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do
	docker -H "unix://$DSOCK" version >/dev/null 2>&1 && break
	sleep 0.5
done
docker -H "unix://$DSOCK" version >/dev/null

echo "importing a ${MIB} MiB image..." >&2
mkdir -p "$DIR/rootfs"
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$DIR/rootfs/blob"
tar -C "$DIR/rootfs" -cf - blob | docker -H "unix://$DSOCK" import - sgbench:save >/dev/null
rm -rf "$DIR/rootfs"

start_proxy() {	# name bin
	"$2" serve -c "$ROOT/bench/sockguard-bench.yaml" --listen-socket "$DIR/$1.sock" \
		--upstream-socket "$DSOCK" >"$DIR/$1.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 50); do [ -S "$DIR/$1.sock" ] && return; sleep 0.1; done
	echo "$1 did not start:" >&2; cat "$DIR/$1.log" >&2; exit 1
}
TARGETS=(direct sockguard)
start_proxy sockguard "$SOCKGUARD_BIN"
if [ -n "$BIN_B" ]; then
	start_proxy sockguard-b "$BIN_B"
	TARGETS+=(sockguard-b)
fi
sock_of() { [ "$1" = direct ] && echo "$DSOCK" || echo "$DIR/$1.sock"; }

RES="$DIR/results.txt"
: >"$RES"
for r in $(seq 1 "$ROUNDS"); do
	n=${#TARGETS[@]}
	for i in $(seq 0 $((n - 1))); do
		t=${TARGETS[$(((i + r) % n))]}
		mb=$("$BUILD/bench_loadgen" --socket "$(sock_of "$t")" --mode stream \
			--path /v1.41/images/sgbench:save/get --concurrency 1 --requests 1 --duration 120 |
			sed -n 's/.*"mb_s":\([0-9.]*\).*/\1/p')
		echo "$r $t $mb" >>"$RES"
	done
done

python3 - "$RES" "${TARGETS[@]}" <<'EOF'
import statistics, sys
res, targets = sys.argv[1], sys.argv[2:]
runs = {}
for line in open(res):
    r, t, mb = line.split()
    runs.setdefault(t, {})[int(r)] = float(mb)
print("| target | MB/s (median) | / direct (median of rounds) |")
print("| --- | ---: | ---: |")
for t in targets:
    med = statistics.median(runs[t].values())
    ratios = [runs[t][r] / runs["direct"][r] for r in runs[t] if runs["direct"].get(r)]
    print("| %s | %.1f | %.2f |" % (t, med, statistics.median(ratios)))
EOF
