"""Encoded and dot-segment variants of a denied path never reach dockerd.

The policy allows only GET /_ping and GET /version. Each variant below
canonicalizes (strip /vN.NN, percent-decode once, clean) to a path the policy
denies, or cannot be canonicalized unambiguously: the answer is 403 or 400 and
dockerd's own log shows it served nothing. Raw sockets, because no client
sends these.
"""
import pytest

from test_smuggling import status_of

POLICY = """
rules:
  - match: { method: GET, path: "/_ping" }
    action: allow
  - match: { method: GET, path: "/version" }
    action: allow
  - match: { method: "*", path: "/**" }
    action: deny
"""

EVASIONS = [
    "/_ping/../containers/json",
    "/_ping/%2e%2e/containers/json",
    "/_ping/%2E%2E/containers/json",
    "/v1.41/_ping/..%2Fcontainers/json",
    "/v1.41/_ping/%2e%2e%2fcontainers%2fjson",
    "/containers%2fjson",
    "/%63ontainers/json",
    "//containers/json",
    "/./containers/json",
    "/containers/json/",
    "/containers/./json",
    "/%76%31.41/containers/json",
    "/v1.41/v1.40/containers/json",
    "/v1.41/containers/json%00",
    "/containers/json%",
    "/containers/json%zz",
    "/_ping%2f..%2f..%2fcontainers%2fjson",
    "/version/%252e%252e/containers/json",
    "/_ping/../../../../containers/json",
    "/v1.41/../v1.41/containers/json",
]


def get(path):
    return ("GET %s HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n" % path).encode()


@pytest.mark.parametrize("path", EVASIONS)
def test_variant_of_denied_path_never_reaches_dockerd(sockguard, docker_daemon, path):
    proxy = sockguard(config=POLICY)
    mark = docker_daemon.log_mark()
    st = status_of(proxy.raw(get(path)))
    seen = docker_daemon.requests_since(mark)
    assert st in (400, 403), (path, st)
    assert seen == [], seen


@pytest.mark.parametrize("path", ["/_ping", "/v1.41/_ping", "/%5fping", "/v1.41/./_ping", "//_ping",
                                  "/containers/../_ping"])
def test_variants_of_allowed_path_are_forwarded_canonically(sockguard, docker_daemon, path):
    proxy = sockguard(config=POLICY)
    mark = docker_daemon.log_mark()
    resp = proxy.raw(get(path))
    assert status_of(resp) == 200, resp[:200]
    seen = docker_daemon.requests_since(mark)
    # dockerd saw exactly the canonical request we decided on.
    assert len(seen) == 1 and seen[0][0] == "GET", seen
    assert seen[0][1] in ("/_ping", "/v1.41/_ping"), seen


# A deep allow rule: the RAW form of these paths matches "/_ping/**", so only
# canonicalization before matching keeps them from reaching /containers/json.
DEEP_POLICY = """
rules:
  - match: { method: GET, path: "/_ping/**" }
    action: allow
  - match: { method: "*", path: "/**" }
    action: deny
"""


@pytest.mark.parametrize("path", ["/_ping/../containers/json", "/_ping/%2e%2e/containers/json",
                                  "/v1.41/_ping/..%2fcontainers%2fjson", "/_ping/./../containers/json"])
def test_raw_match_would_allow_but_canonical_path_is_denied(sockguard, docker_daemon, path):
    proxy = sockguard(config=DEEP_POLICY)
    mark = docker_daemon.log_mark()
    st = status_of(proxy.raw(get(path)))
    assert st in (400, 403), (path, st)
    assert docker_daemon.requests_since(mark) == []
