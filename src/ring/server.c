/* ring/server.c — listeners, worker threads, signals, graceful shutdown. */
#include "ring/server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "obs/obs.h"
#include "ring/listener.h"
#include "ring/worker.h"

void sg_server_opts_defaults(struct sg_server_opts *o)
{
	if (!o->upstream_socket)
		o->upstream_socket = "/var/run/docker.sock";
	if (!o->listen_socket_mode)
		o->listen_socket_mode = 0600;
	if (!o->workers) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o->workers = n > 0 ? (unsigned)n : 1;
	}
	if (o->workers > 256)
		o->workers = 256;
	if (!o->max_conns_per_worker)
		o->max_conns_per_worker = 16384;
	if (o->max_conns_per_worker > 0xffffff)
		o->max_conns_per_worker = 0xffffff;
	if (!o->max_active_per_worker)
		o->max_active_per_worker = 1024;
	if (o->max_active_per_worker > o->max_conns_per_worker)
		o->max_active_per_worker = o->max_conns_per_worker;
	if (!o->upstream_pool_per_worker)
		o->upstream_pool_per_worker = 64;
	if (!o->head_timeout_ms)
		o->head_timeout_ms = 10000;
	if (!o->idle_timeout_ms)
		o->idle_timeout_ms = 120000;
	if (!o->connect_timeout_ms)
		o->connect_timeout_ms = 5000;
	if (!o->drain_timeout_ms)
		o->drain_timeout_ms = 10000;
	if (!o->inspect_slots_per_worker)
		o->inspect_slots_per_worker = 64;	/* 4 MiB virtual each; touched only when used */
	if (!o->inspect_big_slots_per_worker)
		o->inspect_big_slots_per_worker = 8;	/* 80 MiB virtual each */
	if (!o->spool_dir || !*o->spool_dir) {
		/* tar bodies spooled while inspected (ring/tar_spool.h) */
		const char *d = getenv("SOCKGUARD_SPOOL_DIR");
		if (!d || !*d)
			d = getenv("TMPDIR");
		o->spool_dir = d && *d ? d : "/var/tmp";
	}
}

int sg_server_run(const struct sg_server_opts *in)
{
	struct sg_server_opts o = *in;
	sg_server_opts_defaults(&o);
	char err[512];

	if (!o.listen_socket && !o.listen_address) {
		sg_log(SG_LOG_ERROR, "no listener configured (--listen-socket or --listen-address)");
		return 1;
	}
	struct sockaddr_un up;
	memset(&up, 0, sizeof(up));
	up.sun_family = AF_UNIX;
	if (strlen(o.upstream_socket) >= sizeof(up.sun_path)) {
		sg_log(SG_LOG_ERROR, "upstream socket path too long: %s", o.upstream_socket);
		return 1;
	}
	strcpy(up.sun_path, o.upstream_socket);

	struct rlimit rl;	/* two fds per connection: take what we may */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);

	int ufd = -1;
	struct stat bound;
	memset(&bound, 0, sizeof(bound));
	if (o.listen_socket) {
		ufd = sg_listen_unix(o.listen_socket, o.listen_socket_mode, err, sizeof(err));
		if (ufd < 0) {
			sg_log(SG_LOG_ERROR, "%s", err);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			return 1;
		}
		if (lstat(o.listen_socket, &bound) != 0)
			memset(&bound, 0, sizeof(bound));
	}

	static atomic_bool stop;
	atomic_store(&stop, false);
	struct sg_worker *ws = calloc(o.workers, sizeof(*ws));
	int rc = 0;
	unsigned started = 0;
	if (!ws) {
		rc = 1;
		goto out;
	}
	for (unsigned i = 0; i < o.workers; i++) {
		struct sg_worker *w = &ws[i];
		w->id = i;
		w->opts = &o;
		w->obs = o.obs && o.obs->obs ? sg_obs_worker(o.obs->obs, i) : NULL;
		w->stop = &stop;
		w->up_addr = up;
		w->up_addrlen = (socklen_t)sizeof(up);
		w->lfd[0] = ufd;
		w->lfd[1] = -1;
		if (o.listen_address) {
			w->lfd[1] = sg_listen_tcp(o.listen_address, o.allow_insecure_tcp, err, sizeof(err));
			if (w->lfd[1] < 0) {
				sg_log(SG_LOG_ERROR, "%s", err);
				rc = 1;
				goto out;
			}
		}
		if (pthread_create(&w->thread, NULL, sg_worker_main, w) != 0) {
			sg_log(SG_LOG_ERROR, "cannot start worker %u", i);
			if (w->lfd[1] >= 0)
				close(w->lfd[1]);
			rc = 1;
			goto out;
		}
		started++;
		while (!atomic_load_explicit(&w->ready, memory_order_acquire))
			usleep(1000);
		if (w->start_error < 0) {
			sg_log(SG_LOG_ERROR, "worker %u: %s", i, strerror(-w->start_error));
			rc = 1;
			goto out;
		}
	}
	if (!o.quiet) {
		char nw[16];
		snprintf(nw, sizeof(nw), "%u", o.workers);
		if (o.listen_socket)
			sg_log_kv(SG_LOG_INFO, "listening", "listener", "unix", "socket", o.listen_socket,
				  "workers", nw, "upstream_socket", o.upstream_socket, NULL);
		if (o.listen_address)
			sg_log_kv(SG_LOG_INFO, "listening", "listener", "tcp", "address", o.listen_address,
				  "workers", nw, "upstream_socket", o.upstream_socket, NULL);
	}
	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) == 0 && (sig == SIGINT || sig == SIGTERM))
			break;
	}
	sg_log(SG_LOG_INFO, "shutting down");
out:
	atomic_store_explicit(&stop, true, memory_order_release);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(ws[i].thread, NULL);
		if (ws[i].lfd[1] >= 0)
			close(ws[i].lfd[1]);
		sg_worker_destroy(&ws[i]);
	}
	free(ws);
	if (ufd >= 0) {
		/* remove the socket file only if it is still ours */
		struct stat now;
		if (lstat(o.listen_socket, &now) == 0 && now.st_ino == bound.st_ino && now.st_dev == bound.st_dev)
			unlink(o.listen_socket);
		close(ufd);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
