/* Listeners and the small ring helpers. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ring/conn.h"
#include "ring/listener.h"
#include "ring/server.h"
#include "ring/ud.h"

static void tmp_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "/tmp/sg-test-%d-%s", (int)getpid(), name);
	unlink(buf);
}

Test(ring_listener, unix_socket_is_0600)
{
	char p[108], err[256];
	tmp_path(p, sizeof(p), "mode.sock");
	int fd = sg_listen_unix(p, 0600, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0600);
	close(fd);
	unlink(p);
}

Test(ring_listener, refuses_to_replace_a_regular_file)
{
	char p[108], err[256];
	tmp_path(p, sizeof(p), "file.sock");
	int f = open(p, O_CREAT | O_WRONLY, 0644);
	cr_assert_geq(f, 0);
	close(f);
	cr_assert_eq(sg_listen_unix(p, 0600, err, sizeof(err)), -1);
	cr_assert(strstr(err, "not a socket"), "%s", err);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0, "the file must still be there");
	unlink(p);
}

Test(ring_listener, refuses_a_live_socket)
{
	char p[108], err[256];
	tmp_path(p, sizeof(p), "live.sock");
	int fd = sg_listen_unix(p, 0600, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	cr_assert_eq(sg_listen_unix(p, 0600, err, sizeof(err)), -1);
	cr_assert(strstr(err, "in use"), "%s", err);
	close(fd);
	unlink(p);
}

Test(ring_listener, replaces_a_stale_socket)
{
	char p[108], err[256];
	tmp_path(p, sizeof(p), "stale.sock");
	int fd = sg_listen_unix(p, 0600, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	close(fd);	/* file stays, nobody listens */
	fd = sg_listen_unix(p, 0600, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	close(fd);
	unlink(p);
}

Test(ring_listener, tcp_non_loopback_needs_the_flag)
{
	char err[256];
	cr_assert_eq(sg_listen_tcp("0.0.0.0:0", false, err, sizeof(err)), -1);
	cr_assert(strstr(err, "non-loopback"), "%s", err);
	int fd = sg_listen_tcp("127.0.0.1:0", false, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	close(fd);
	cr_assert_eq(sg_listen_tcp("localhost", false, err, sizeof(err)), -1);
}

Test(ring_ud, round_trips)
{
	uint64_t u = sg_ud_make(SG_OP_U_SEND, 6, 0xabcdef, 0xdeadbeef);
	cr_assert_eq(sg_ud_op(u), SG_OP_U_SEND);
	cr_assert_eq(sg_ud_uepoch(u), 2);
	cr_assert_eq(sg_ud_slot(u), 0xabcdef);
	cr_assert_eq(sg_ud_gen(u), 0xdeadbeef);
	cr_assert_eq(sg_ud_op(sg_ud_make(SG_OP_CANCEL, 0, 0, 0)), SG_OP_CANCEL);
}

Test(ring_conn, states_have_names)
{
	cr_assert_str_eq(sg_conn_state_to_str(SG_CS_READ_HEAD), "READ_HEAD");
	cr_assert_str_eq(sg_conn_state_to_str(SG_CS_HIJACK), "HIJACK");
	cr_assert_str_eq(sg_conn_state_to_str(SG_CS_CLOSING), "CLOSING");
	cr_assert_str_eq(sg_conn_state_to_str((enum sg_conn_state)99), "?");
}

Test(ring_server, defaults)
{
	struct sg_server_opts o;
	memset(&o, 0, sizeof(o));
	sg_server_opts_defaults(&o);
	cr_assert_str_eq(o.upstream_socket, "/var/run/docker.sock");
	cr_assert_eq(o.listen_socket_mode, 0600);
	cr_assert_geq(o.workers, 1);
	cr_assert_eq(o.head_timeout_ms, 10000);
	cr_assert_leq(o.max_active_per_worker, o.max_conns_per_worker);
}
