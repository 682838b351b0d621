"""Real-daemon test harness: a private dockerd and the sockguard binary.

DockerDaemon starts Debian's dockerd with its own socket, data root and exec
root under one temp dir (--iptables=false --bridge=none, --debug so that every
API call dockerd serves is logged as "Calling METHOD PATH"), imports a busybox
image built from busybox-static, and tears everything down: containers,
processes, mounts, files. A crashed earlier run is cleaned up at the next
start (stale dirs are found by prefix and their pidfiles).

Proxy runs build/sockguard (or $SOCKGUARD_BIN) against a daemon, and offers
the real docker CLI pointed at it (DOCKER_HOST=unix://...), plus raw-socket
and plain-HTTP helpers for what a CLI cannot send.
"""
import http.client
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOCKGUARD_BIN = os.environ.get("SOCKGUARD_BIN", str(ROOT / "build" / "sockguard"))
IMAGE = "local/busybox:1"
DIR_PREFIX = "sg-dockerd-"

# Environment variables that change sockguard's configuration: never inherit
# them from the developer's shell into a test proxy.
_COMPAT_VARS = {
    "CONTAINERS", "IMAGES", "SERVICES", "SECRETS", "EVENTS", "PING", "VERSION",
    "POST", "SOCKET_PATH", "LOG_LEVEL", "AUTH", "BUILD", "COMMIT", "CONFIGS",
    "DISTRIBUTION", "EXEC", "INFO", "NETWORKS", "NODES", "PLUGINS", "SESSION",
    "SWARM", "SYSTEM", "TASKS", "VOLUMES", "GRPC", "ALLOW_START", "ALLOW_STOP",
    "ALLOW_RESTARTS", "ALLOW_RESTART", "ALLOW_CREATE", "ALLOW_EXEC", "DELETE",
}


def container_name():
    """A unique name for a container or image a test creates."""
    return "sg-" + uuid.uuid4().hex[:10]


def wait_listening(path, timeout=10.0):
    """Until a unix socket accepts a connection (listening, not just bound)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            t = socket.socket(socket.AF_UNIX)
            t.connect(path)
            t.close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SOCKGUARD_") and k not in _COMPAT_VARS
           and k not in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")}
    env["DOCKER_CLI_HINTS"] = "false"
    if extra:
        env.update(extra)
    return env


def _mounts_under(path):
    out = []
    with open("/proc/self/mounts") as f:
        for line in f:
            mnt = line.split()[1].replace("\\040", " ")
            if mnt == path or mnt.startswith(path + "/"):
                out.append(mnt)
    return sorted(out, key=len, reverse=True)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _kill_pidfile(pidfile, sig=signal.SIGTERM, wait=15.0):
    try:
        pid = int(pathlib.Path(pidfile).read_text().strip())
    except (OSError, ValueError):
        return
    if not _pid_alive(pid):
        return
    os.kill(pid, sig)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.1)
    if _pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


def _remove_tree(path):
    for mnt in _mounts_under(path):
        subprocess.run(["umount", "-l", mnt], stderr=subprocess.DEVNULL)
    shutil.rmtree(path, ignore_errors=True)


def cleanup_stale_daemons():
    """Remove what an interrupted earlier run left behind.

    Each daemon dir records the pid of the test process that owns it; a dir
    whose owner is still alive belongs to a concurrent run and is left alone."""
    for d in pathlib.Path(tempfile.gettempdir()).glob(DIR_PREFIX + "*"):
        try:
            owner = int((d / "owner.pid").read_text().strip())
        except (OSError, ValueError):
            owner = None
        if owner is not None and owner != os.getpid() and _pid_alive(owner):
            continue
        if owner is None and time.time() - d.stat().st_mtime < 60:
            continue  # being created right now
        _kill_pidfile(d / "docker.pid", wait=10.0)
        _remove_tree(str(d))


class DockerDaemon:
    def __init__(self):
        self.dir = None
        self.proc = None
        self.socket = None
        self.log_path = None

    # ---- lifecycle -------------------------------------------------------
    def start(self, timeout=60.0):
        self.dir = tempfile.mkdtemp(prefix=DIR_PREFIX)
        self.socket = os.path.join(self.dir, "docker.sock")
        self.log_path = os.path.join(self.dir, "dockerd.log")
        pathlib.Path(self.dir, "owner.pid").write_text(str(os.getpid()))
        self.pidfile = os.path.join(self.dir, "docker.pid")
        cmd = ["dockerd", "--host", "unix://" + self.socket,
               "--data-root", os.path.join(self.dir, "data"),
               "--exec-root", os.path.join(self.dir, "exec"),
               "--pidfile", self.pidfile,
               "--iptables=false", "--ip6tables=false", "--bridge=none",
               "--debug"]
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("dockerd exited with %s:\n%s" % (self.proc.returncode, self.log_tail()))
            if os.path.exists(self.socket):
                r = self.docker("version", "--format", "{{.Server.APIVersion}}", check=False, timeout=10)
                if r.returncode == 0:
                    self.api_version = r.stdout.strip()
                    return self
            time.sleep(0.2)
        raise RuntimeError("dockerd did not answer within %ss:\n%s" % (timeout, self.log_tail()))

    def restart(self, timeout=60.0):
        """Start dockerd again on the same data (after the process stopped)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        cmd = self.proc.args
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.docker("version", check=False, timeout=10).returncode == 0:
                return self
            time.sleep(0.2)
        raise RuntimeError("dockerd did not come back:\n" + self.log_tail())

    def import_busybox(self):
        rootfs = os.path.join(self.dir, "busybox-rootfs")
        os.makedirs(os.path.join(rootfs, "bin"))
        os.makedirs(os.path.join(rootfs, "tmp"))
        shutil.copy("/bin/busybox", os.path.join(rootfs, "bin", "busybox"))
        applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True,
                                 check=True).stdout.split()
        for a in applets:
            if a != "busybox":
                os.symlink("busybox", os.path.join(rootfs, "bin", a))
        tar = subprocess.Popen(["tar", "-C", rootfs, "-cf", "-", "."], stdout=subprocess.PIPE)
        r = subprocess.run(["docker", "import", "-", IMAGE], stdin=tar.stdout,
                           env=self.env(), capture_output=True, text=True, timeout=120)
        tar.wait()
        if r.returncode != 0:
            raise RuntimeError("docker import failed: " + r.stderr)
        return IMAGE

    def stop(self):
        if not self.dir:
            return
        if self.proc and self.proc.poll() is None:
            # Remove containers first so their mounts and shims go away cleanly.
            ids = self.docker("ps", "-aq", check=False, timeout=20).stdout.split()
            if ids:
                self.docker("rm", "-f", *ids, check=False, timeout=60)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()
        _remove_tree(self.dir)
        self.dir = None

    # ---- use -------------------------------------------------------------
    def env(self):
        return clean_env({"DOCKER_HOST": "unix://" + self.socket})

    def docker(self, *args, check=True, timeout=60, input=None):
        """Run the real docker CLI directly against this daemon."""
        r = subprocess.run(["docker", *args], env=self.env(), capture_output=True, text=True,
                           timeout=timeout, input=input)
        if check and r.returncode != 0:
            raise AssertionError("docker %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
        return r

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def log_mark(self):
        """A position in dockerd's log; see requests_since()."""
        return os.path.getsize(self.log_path)

    _CALLING = re.compile(rb'Calling ([A-Z]+) ([^\s"]+)')

    def requests_since(self, mark):
        """API calls dockerd served after `mark`, as (METHOD, path) tuples."""
        time.sleep(0.2)  # let dockerd flush its log
        with open(self.log_path, "rb") as f:
            f.seek(mark)
            data = f.read()
        return [(m.group(1).decode(), m.group(2).decode()) for m in self._CALLING.finditer(data)]


class Proxy:
    """A running sockguard in front of a DockerDaemon."""

    def __init__(self, daemon, workdir, config=None, env=None, args=(), bin_path=None):
        self.daemon = daemon
        self.dir = workdir
        self.socket = os.path.join(workdir, "sockguard.sock")
        self.config_path = None
        cmd = [bin_path or SOCKGUARD_BIN, "serve",
               "--listen-socket", self.socket, "--upstream-socket", daemon.socket]
        if config is not None:
            self.config_path = os.path.join(workdir, "sockguard.yaml")
            with open(self.config_path, "w") as f:
                f.write(config)
            cmd += ["-c", self.config_path]
        cmd += list(args)
        self.stderr_path = os.path.join(workdir, "sockguard.stderr")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL, env=clean_env(env))
        self._wait_ready()

    def _wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sockguard exited with %s:\n%s" % (self.proc.returncode, self.stderr()))
            if os.path.exists(self.socket):
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(self.socket)
                    s.close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError("sockguard did not listen within %ss:\n%s" % (timeout, self.stderr()))

    def stderr(self):
        self._stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, timeout=15.0):
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("sockguard did not exit within %ss of SIGTERM" % timeout)
        self._stderr.close()
        return self.proc.returncode

    # ---- clients -----------------------------------------------------------
    def env(self):
        return clean_env({"DOCKER_HOST": "unix://" + self.socket})

    def docker(self, *args, check=True, timeout=60, input=None):
        """Run the real docker CLI through the proxy."""
        r = subprocess.run(["docker", *args], env=self.env(), capture_output=True, text=True,
                           timeout=timeout, input=input)
        if check and r.returncode != 0:
            raise AssertionError("docker %s failed (%d): %s\nproxy stderr:\n%s"
                                 % (" ".join(args), r.returncode, r.stderr, self.stderr()[-3000:]))
        return r

    def connect(self, timeout=10.0):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.socket)
        return s

    def raw(self, data, timeout=5.0, read_until_close=True):
        """Send raw bytes; return everything read until close or timeout."""
        s = self.connect(timeout)
        try:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    b = s.recv(65536)
                except socket.timeout:
                    break
                if not b:
                    break
                chunks.append(b)
                if not read_until_close:
                    break
            return b"".join(chunks)
        finally:
            s.close()

    def http(self, method, path, body=None, headers=None, timeout=30.0):
        """One HTTP/1.1 request; returns (status, headers dict, body bytes)."""
        conn = UnixHTTPConnection(self.socket, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30.0):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


# ---- a scripted upstream, for what dockerd never sends ---------------------------

UPSTREAM_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"


class FakeUpstream:
    """A unix-socket HTTP/1.1 server standing in for dockerd in tests that
    need answers or failures dockerd cannot be made to give. For each
    request it records the head (and the body, read by Content-Length, or
    chunked and recorded with its framing as it came),
    then calls answer(head, body, conn): True keeps the connection for the
    next request, False closes it. Without answer: 200 "OK", keep-alive.

    heads / bodies: in arrival order; raw: every byte received; accepts:
    connections accepted; request_conns: those that carried a request (the
    proxy's health refresher dials without sending anything)."""

    def __init__(self, path, answer=None, conn_timeout=None):
        self.path = path
        self.answer = answer or (lambda head, body, conn: conn.sendall(UPSTREAM_OK) or True)
        self.conn_timeout = conn_timeout
        self.heads, self.bodies, self.raw = [], [], []
        self.accepts = self.request_conns = 0
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(64)
        threading.Thread(target=self._loop, daemon=True).start()

    def _record(self, head):
        self.heads.append(head)

    def _loop(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.accepts += 1
            threading.Thread(target=self._conn, args=(c,), daemon=True).start()

    def _recv(self, c, n):
        d = c.recv(n)
        if not d:
            raise EOFError
        self.raw.append(d)
        return d

    def _read_exact(self, c, buf, n):
        parts, have = [buf], len(buf)
        while have < n:
            d = self._recv(c, min(4 << 20, n - have + 65536))
            parts.append(d)
            have += len(d)
        data = b"".join(parts)
        return data[:n], data[n:]

    def _read_chunked(self, c, buf):
        """A chunked body as it came on the wire (framing included)."""
        pos = 0
        while True:
            while b"\r\n" not in buf[pos:]:
                buf += self._recv(c, 65536)
            end = buf.index(b"\r\n", pos)
            size = int(buf[pos:end].split(b";")[0], 16)
            if size == 0:
                while b"\r\n\r\n" not in buf[end:]:
                    buf += self._recv(c, 65536)
                stop = buf.index(b"\r\n\r\n", end) + 4
                return buf[:stop], buf[stop:]
            pos = end + 2 + size + 2
            while len(buf) < pos:
                buf += self._recv(c, min(4 << 20, pos - len(buf) + 65536))

    def _conn(self, c):
        buf = b""
        first = True
        try:
            if self.conn_timeout:
                c.settimeout(self.conn_timeout)
            while True:
                while b"\r\n\r\n" not in buf:
                    buf += self._recv(c, 65536)
                head, buf = buf.split(b"\r\n\r\n", 1)
                if first:
                    self.request_conns += 1
                    first = False
                self._record(head)
                n, chunked = 0, False
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        n = int(v)
                    if k.strip().lower() == b"transfer-encoding":
                        chunked = v.strip().lower() == b"chunked"
                if chunked:
                    body, buf = self._read_chunked(c, buf)
                else:
                    body, buf = self._read_exact(c, buf, n)
                self.bodies.append(body)
                if not self.answer(head, body, c):
                    return
        except (OSError, EOFError):
            pass
        finally:
            c.close()

    def close(self):
        self.sock.close()
