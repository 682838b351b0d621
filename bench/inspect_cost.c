/* bench/inspect_cost.c — what inspecting a container-create body costs.
 *
 * Two modes, one binary (it links sg_core):
 *
 *   bench_inspect_cost [--config F] [--body F] [--iterations N] [--runs R]
 *     Compiles the policy in F (default bench/sockguard-bench.yaml) and, R
 *     runs of N iterations each, times per request (ns):
 *       decide         sg_policy_decide() alone for POST
 *                      /v1.41/containers/create (the head phase: rule match
 *                      and inspector selection; its verdict is INSPECT)
 *       decide_fixed   sg_policy_decide() on sg_policy_fixed(true), the
 *                      allow-all policy the uninspected proxy of run.sh runs
 *       inspect        sg_policy_decide() + sg_policy_inspect() over the body,
 *                      the arena reset after each request
 *       dataplane      what ring/conn.c does for an inspected body: decide,
 *                      copy the body into the arena, decide again (the
 *                      policy may have been swapped meanwhile), inspect, reset
 *     The four loops alternate within each run (the order rotating), so a
 *     noisy stretch of the machine hits all of them; the output is the
 *     median over runs of each figure (plus the fastest run of decide and
 *     inspect), and the median of the per-run ratios inspect/decide and
 *     dataplane/decide. Defaults: 15 runs of 5000. One JSON line on stdout;
 *     each run's figures on stderr. Exit 1 when the body is not allowed
 *     (the benchmark would time a deny).
 *
 *   bench_inspect_cost serve-uninspected <sockguard serve flags>
 *     Runs `sockguard serve` (the same code: configuration, observability,
 *     data plane) and, as soon as the configured policy is published,
 *     replaces it through the RCU slot (as a hot reload would) with
 *     sg_policy_fixed(true): every request is allowed at the head phase and
 *     no body is buffered or inspected. The specification has no setting
 *     that turns container-create inspection off, so this is the honest
 *     "same request, same proxy, not inspected" peer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "base/arena.h"
#include "policy/compile.h"
#include "policy/config.h"
#include "policy/path.h"
#include "policy/policy.h"
#include "policy/publish.h"
#include "ring/server.h"

extern char **environ;

/* ---- serve-uninspected ------------------------------------------------------ */

static void *swap_policy(void *arg)
{
	(void)arg;
	/* sg_cmd_serve publishes the compiled policy before it starts the
	 * workers; replace it the moment it appears */
	while (!sg_policy_current()) {
		struct timespec ts = { 0, 200000 };
		nanosleep(&ts, NULL);
	}
	struct sg_policy *p = sg_policy_fixed(true);
	if (!p) {
		fprintf(stderr, "bench_inspect_cost: out of memory\n");
		exit(1);
	}
	sg_policy_publish(p);
	fprintf(stderr, "bench_inspect_cost: uninspected policy (sg_policy_fixed(true)) published\n");
	return NULL;
}

static int serve_uninspected(int argc, char **argv)
{
	/* argv[1] is "serve-uninspected": hand `sockguard serve ...` to the CLI */
	argv[1] = (char *)"serve";
	struct sg_cli cli;
	char err[256];
	if (sg_cli_parse(argc, argv, &cli, err, sizeof(err)) != 0 || cli.command != SG_CMD_SERVE) {
		fprintf(stderr, "bench_inspect_cost: %s\n", err);
		return 2;
	}
	pthread_t t;
	if (pthread_create(&t, NULL, swap_policy, NULL) != 0) {
		fprintf(stderr, "bench_inspect_cost: pthread_create failed\n");
		return 1;
	}
	pthread_detach(t);
	return sg_cmd_serve(&cli);
}

/* ---- the micro-benchmark ---------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

enum loop { L_DECIDE, L_DECIDE_FIXED, L_INSPECT, L_DATAPLANE, L_COUNT };
static const char *const loop_name[L_COUNT] = { "decide", "decide_fixed", "inspect", "dataplane" };

static volatile unsigned sink;

/* One timed loop of n requests; returns ns per request. */
static double run_loop(enum loop which, unsigned long n, const struct sg_policy *p, const struct sg_policy *fixed,
		       const struct sg_request_view *req, sg_slice body, struct sg_arena *arena)
{
	struct sg_verdict v;
	unsigned acc = 0;
	uint64_t t0 = now_ns();
	switch (which) {
	case L_DECIDE:
		for (unsigned long i = 0; i < n; i++) {
			sg_policy_decide(p, req, &v);
			acc += v.kind;
		}
		break;
	case L_DECIDE_FIXED:
		for (unsigned long i = 0; i < n; i++) {
			sg_policy_decide(fixed, req, &v);
			acc += v.kind;
		}
		break;
	case L_INSPECT:
		for (unsigned long i = 0; i < n; i++) {
			sg_policy_decide(p, req, &v);
			sg_policy_inspect(p, req, body, arena, &v);
			acc += v.kind;
			sg_arena_reset(arena);
		}
		break;
	case L_DATAPLANE:
		for (unsigned long i = 0; i < n; i++) {
			struct sg_verdict head;
			sg_policy_decide(p, req, &head);	/* head phase */
			char *copy = sg_arena_alloc(arena, body.len);	/* start_inspect/inspect_body */
			if (copy)
				memcpy(copy, body.ptr, body.len);	/* body_sink */
			sg_policy_decide(p, req, &v);		/* finish_inspect decides again */
			sg_policy_inspect(p, req, sg_slice_make(copy, copy ? body.len : 0), arena, &v);
			acc += v.kind + head.kind;
			sg_arena_reset(arena);			/* sg_inspect_arena_put */
		}
		break;
	default:
		break;
	}
	uint64_t t1 = now_ns();
	sink += acc;
	return (double)(t1 - t0) / (double)n;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: bench_inspect_cost [--config F] [--body F] [--iterations N] [--runs R]\n"
		    "       bench_inspect_cost serve-uninspected -c F --listen-socket S --upstream-socket U\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "serve-uninspected") == 0)
		return serve_uninspected(argc, argv);

	const char *config = "bench/sockguard-bench.yaml", *body_path = "bench/create-3k.json";
	unsigned long iters = 5000;
	unsigned runs = 15;
	for (int i = 1; i < argc; i += 2) {	/* every option takes a value */
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (!val) {
			usage(stderr);
			return 2;
		}
		if (strcmp(a, "--config") == 0)
			config = val;
		else if (strcmp(a, "--body") == 0)
			body_path = val;
		else if (strcmp(a, "--iterations") == 0)
			iters = strtoul(val, NULL, 10);
		else if (strcmp(a, "--runs") == 0)
			runs = (unsigned)strtoul(val, NULL, 10);
		else {
			usage(stderr);
			return 2;
		}
	}
	if (iters == 0 || runs == 0 || runs > 1000) {
		usage(stderr);
		return 2;
	}

	size_t blen = 0;
	char *bbuf = read_file(body_path, &blen);
	if (!bbuf) {
		fprintf(stderr, "bench_inspect_cost: %s: %s\n", body_path, strerror(errno));
		return 1;
	}

	static struct sg_config cfg;
	static struct sg_config_errors errs;
	if (sg_config_load(&cfg, config, true, NULL, &errs) != 0) {
		sg_config_errors_print(&errs, stderr);
		return 1;
	}
	struct sg_policy *p = sg_policy_compile_owned(&cfg, &errs);
	struct sg_policy *fixed = sg_policy_fixed(true);
	if (!p || !fixed) {
		sg_config_errors_print(&errs, stderr);
		return 1;
	}

	/* The request as the data plane hands it to the policy: a unix client
	 * with peer credentials, the path canonicalized once (http/ does that
	 * before any policy call), the query docker compose sends. */
	static const char raw_path[] = "/v1.41/containers/create";
	char canon_buf[sizeof(raw_path)];
	struct sg_canon_path cp;
	if (sg_path_canonicalize(SG_SLICE_LIT(raw_path), canon_buf, sizeof(canon_buf), &cp) != SG_PATH_OK) {
		fprintf(stderr, "bench_inspect_cost: path did not canonicalize\n");
		return 1;
	}
	struct sg_client_identity client = { .transport = SG_TRANSPORT_UNIX, .has_peercred = true,
					     .pid = 4711, .uid = 1000, .gid = 1000 };
	struct sg_request_view req = {
		.method = SG_SLICE_LIT("POST"),
		.raw_path = SG_SLICE_LIT(raw_path),
		.path = cp.path,
		.query = SG_SLICE_LIT("name=ci-4711-web-1"),
		.content_type = SG_SLICE_LIT("application/json"),
		.client = &client,
	};
	sg_slice body = sg_slice_make(bbuf, blen);

	/* an arena of the data plane's small inspect class */
	struct sg_arena arena;
	if (sg_arena_init(&arena, SG_INSPECT_SMALL_BODY_MAX + SG_INSPECT_SMALL_SCRATCH) != 0) {
		fprintf(stderr, "bench_inspect_cost: arena: out of memory\n");
		return 1;
	}
	sg_arena_set_keep(&arena, SG_INSPECT_KEEP_BYTES);

	/* the body must be allowed, or we would be timing a deny */
	struct sg_verdict v;
	sg_policy_decide(p, &req, &v);
	if (v.kind != SG_VERDICT_INSPECT) {
		fprintf(stderr, "bench_inspect_cost: the policy does not inspect POST /containers/create (verdict %d)\n",
			(int)v.kind);
		return 1;
	}
	sg_policy_inspect(p, &req, body, &arena, &v);
	size_t scratch_used = arena.high_water;
	sg_arena_reset(&arena);
	if (v.kind != SG_VERDICT_ALLOW) {
		fprintf(stderr, "bench_inspect_cost: %s denied: %u %s (%s)\n", body_path, v.status,
			v.knob ? v.knob : "-", v.detail ? v.detail : "-");
		return 1;
	}

	/* warm-up: the per-thread JSON parser grows its buffers once */
	for (int l = 0; l < L_COUNT; l++)
		run_loop((enum loop)l, iters / 10 + 1, p, fixed, &req, body, &arena);

	double *ns[L_COUNT], *r_inspect = calloc(runs, sizeof(double)), *r_dp = calloc(runs, sizeof(double));
	for (int l = 0; l < L_COUNT; l++)
		ns[l] = calloc(runs, sizeof(double));
	if (!r_inspect || !r_dp || !ns[L_DECIDE] || !ns[L_DECIDE_FIXED] || !ns[L_INSPECT] || !ns[L_DATAPLANE]) {
		fprintf(stderr, "bench_inspect_cost: out of memory\n");
		return 1;
	}
	for (unsigned r = 0; r < runs; r++) {
		for (int k = 0; k < L_COUNT; k++) {
			int l = (k + (int)r) % L_COUNT;	/* rotate the order every run */
			ns[l][r] = run_loop((enum loop)l, iters, p, fixed, &req, body, &arena);
		}
		r_inspect[r] = ns[L_INSPECT][r] / ns[L_DECIDE][r];
		r_dp[r] = ns[L_DATAPLANE][r] / ns[L_DECIDE][r];
		fprintf(stderr, "run %u:", r + 1);
		for (int l = 0; l < L_COUNT; l++)
			fprintf(stderr, " %s %.1f ns", loop_name[l], ns[l][r]);
		fprintf(stderr, "\n");
	}
	double body_mib_s = (double)blen / median(ns[L_INSPECT], runs) * 1e9 / 1048576.0;
	/* median() sorted every column: [0] is the fastest run, the closest to
	 * a quiet machine */
	for (int l = 0; l < L_COUNT; l++)
		median(ns[l], runs);

	printf("{\"mode\":\"inspect_cost\",\"body\":\"%s\",\"body_bytes\":%zu,\"iterations\":%lu,\"runs\":%u,",
	       body_path, blen, iters, runs);
	for (int l = 0; l < L_COUNT; l++)
		printf("\"%s_ns\":%.1f,", loop_name[l], median(ns[l], runs));
	printf("\"decide_ns_min\":%.1f,\"inspect_ns_min\":%.1f,", ns[L_DECIDE][0], ns[L_INSPECT][0]);
	printf("\"inspect_over_decide\":%.1f,\"dataplane_over_decide\":%.1f,\"inspect_mib_s\":%.1f,"
	       "\"scratch_bytes\":%zu,\"verdict\":\"allow\"}\n",
	       median(r_inspect, runs), median(r_dp, runs), body_mib_s, scratch_used);

	for (int l = 0; l < L_COUNT; l++)
		free(ns[l]);
	free(r_inspect);
	free(r_dp);
	sg_arena_destroy(&arena);
	sg_policy_free(fixed);
	sg_policy_free(p);
	free(bbuf);
	return 0;
}
