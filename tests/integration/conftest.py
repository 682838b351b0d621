"""pytest fixtures: one private dockerd per session, a sockguard per test.

Fixtures:
  docker_daemon  session: a started DockerDaemon with local/busybox:1 imported
  running        function: a busybox container sleeping (no network), removed after
  sockguard      function: factory sockguard(config=None, env=None, args=()) -> Proxy;
                 every proxy it started is stopped after the test, and the test
                 fails if one exited non-zero or reported a sanitizer error.
"""
import atexit
import os
import signal
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

_daemons = []


def _stop_all(*_):
    while _daemons:
        _daemons.pop().stop()


def _on_signal(signum, frame):
    _stop_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@pytest.fixture(scope="session")
def docker_daemon():
    harness.cleanup_stale_daemons()
    d = harness.DockerDaemon()
    _daemons.append(d)
    atexit.register(_stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    try:
        d.start()
        d.import_busybox()
        yield d
    finally:
        _stop_all()


@pytest.fixture
def sockguard(docker_daemon, tmp_path_factory):
    started = []

    def start(config=None, env=None, args=()):
        workdir = str(tmp_path_factory.mktemp("sg", numbered=True))
        p = harness.Proxy(docker_daemon, workdir, config=config, env=env, args=args)
        started.append(p)
        return p

    yield start
    problems = []
    for p in started:
        already_exited = p.proc.poll() is not None
        rc = p.stop()
        err = p.stderr() if not p._stderr.closed else open(p.stderr_path, errors="replace").read()
        if "Sanitizer" in err:
            problems.append("sanitizer report:\n" + err[-4000:])
        if rc != 0 and not already_exited:
            problems.append("sockguard exited %s after SIGTERM:\n%s" % (rc, err[-2000:]))
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def running(docker_daemon):
    n = harness.container_name()
    docker_daemon.docker("run", "-d", "--name", n, "--network", "none", harness.IMAGE, "sleep", "600")
    yield n
    docker_daemon.docker("rm", "-f", n, check=False)
