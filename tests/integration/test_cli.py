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


_EXFIL = ("rules allow raw archive/export, process-list, log/attach streaming, or registry push endpoints; "
          "either tighten the allow rules to omit these paths or set insecure_allow_read_exfiltration: true "
          "to acknowledge the risk")

_LEAKY = ('rules:\n'
          '  - match: { method: GET, path: "/_ping" }\n'
          '    action: allow\n'
          '  - match: { method: GET, path: "/containers/*/logs" }\n'
          '    action: allow\n')


def test_rule_guard_errors_name_file_line_key_and_reason(tmp_path):
    cfg = tmp_path / "leaky.yaml"
    cfg.write_text(_LEAKY)
    r = run("validate", "-c", str(cfg))
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"{cfg}:4:5: rules[1]: {_EXFIL}",
        f"{cfg}:4:5: rules[1]: exposed endpoints: GET /containers/sockguard-test/logs",
        "validation failed: 2 errors",
    ]


def test_serve_refuses_the_same_rules_with_the_same_message_and_binds_nothing(tmp_path):
    cfg = tmp_path / "leaky.yaml"
    cfg.write_text(_LEAKY)
    sock = tmp_path / "s.sock"
    r = run("serve", "-c", str(cfg), "--listen-socket", str(sock))
    assert r.returncode == 1
    assert f"{cfg}:4:5: rules[1]: {_EXFIL}\n" in r.stderr
    assert "not starting" in r.stderr
    assert not sock.exists()


def test_rule_guard_errors_for_compat_rules_name_the_variable(tmp_path):
    cfg = tmp_path / "empty.yaml"
    cfg.write_text("")
    r = subprocess.run([harness.SOCKGUARD_BIN, "validate", "-c", str(cfg)], capture_output=True, text=True,
                       timeout=30, env=harness.clean_env({"IMAGES": "1"}))
    assert r.returncode == 1
    assert r.stderr.splitlines()[:2] == [
        f"env IMAGES: rules[3]: {_EXFIL}",
        "env IMAGES: rules[3]: exposed endpoints: GET /images/get, GET /images/sockguard-test/get",
    ]
