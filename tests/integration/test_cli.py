"""The command line: version, usage errors, exit codes."""
import subprocess

import harness


def run(*args):
    return subprocess.run([harness.SOCKGUARD_BIN, *args], capture_output=True, text=True,
                          timeout=30, env=harness.clean_env())


def test_version_flag_and_subcommand_agree():
    a, b = run("--version"), run("version")
    assert a.returncode == 0 and b.returncode == 0
    assert a.stdout.startswith("sockguard ")
    assert a.stdout == b.stdout


def test_unknown_flag_is_a_usage_error():
    r = run("serve", "--no-such-flag")
    assert r.returncode == 2
    assert "unknown flag '--no-such-flag'" in r.stderr
    assert "usage:" in r.stderr


def test_unknown_command_is_a_usage_error():
    r = run("frobnicate")
    assert r.returncode == 2
    assert "unknown command 'frobnicate'" in r.stderr


def test_flag_without_value_is_a_usage_error():
    r = run("serve", "--listen-socket")
    assert r.returncode == 2
    assert "needs a value" in r.stderr


def test_match_requires_method_and_path():
    r = run("match", "--path", "/_ping")
    assert r.returncode == 2
    assert "-X METHOD" in r.stderr


def test_flag_of_another_command_is_rejected():
    r = run("validate", "--listen-socket", "/tmp/x.sock")
    assert r.returncode == 2
    assert "not valid for 'validate'" in r.stderr
