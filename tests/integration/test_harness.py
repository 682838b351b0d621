"""The harness itself: the private dockerd is real and leaves nothing behind."""
import os
import subprocess

import harness


def test_private_dockerd_answers_the_real_cli(docker_daemon):
    r = docker_daemon.docker("version", "--format", "{{.Server.Os}}")
    assert r.stdout.strip() == "linux"
    assert os.path.exists(docker_daemon.socket)


def test_busybox_image_is_imported(docker_daemon):
    r = docker_daemon.docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}")
    assert harness.IMAGE in r.stdout.split()


def test_container_runs_without_network(docker_daemon):
    r = docker_daemon.docker("run", "--rm", "--network", "none", harness.IMAGE,
                             "sh", "-c", "echo hello-from-busybox; ls /sys/class/net")
    lines = r.stdout.split()
    assert "hello-from-busybox" in lines
    assert "eth0" not in lines  # --network none: loopback only


def test_dockerd_debug_log_records_api_calls(docker_daemon):
    mark = docker_daemon.log_mark()
    docker_daemon.docker("ps", "-a")
    calls = docker_daemon.requests_since(mark)
    assert any(m == "GET" and p.split("?")[0].endswith("/containers/json") for m, p in calls), calls


def test_teardown_leaves_nothing_behind():
    d = harness.DockerDaemon().start()
    d.import_busybox()
    d.docker("run", "-d", "--network", "none", harness.IMAGE, "sleep", "300")
    workdir, pid = d.dir, d.proc.pid
    d.stop()
    assert not os.path.exists(workdir)
    assert not harness._pid_alive(pid)
    assert harness._mounts_under(workdir) == []
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert workdir not in ps
