"""No framing of bytes makes a request reach dockerd that policy did not allow.

Raw sockets only: these are requests no docker CLI would send. Each test
proves, from dockerd's own debug log, that the daemon saw nothing.
"""
import pytest

from policies import allow_all, deny_all, ping_only

# Each entry: bytes a hostile client sends on one connection.
SMUGGLING = {
    "cl_and_te": b"POST /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"0\r\n\r\nGET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "te_and_cl": b"POST /_ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
                 b"0\r\n\r\nGET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "duplicate_cl_equal": b"POST /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
    "duplicate_cl_differ": b"POST /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\n"
                           b"GET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "cl_list": b"POST /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 44\r\n\r\n"
               b"GET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "cl_plus_sign": b"POST /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: +44\r\n\r\n"
                    b"GET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "te_identity_chunked": b"POST /_ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n"
                           b"0\r\n\r\nGET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "te_obfuscated": b"POST /_ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 0\r\n\r\n",
    "te_space_before_colon": b"POST /_ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n"
                             b"0\r\n\r\nGET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "obs_fold": b"GET /_ping HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
    "bare_lf": b"GET /_ping HTTP/1.1\nHost: x\n\nGET /containers/json HTTP/1.1\nHost: x\n\n",
    "bare_cr": b"GET /_ping HTTP/1.1\rHost: x\r\n\r\n",
    "nul_in_path": b"GET /_ping\x00/../containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "absolute_form": b"GET http://docker/containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "http09": b"GET /containers/json\r\n\r\n",
    "bad_chunk_size": b"POST /_ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"zz\r\nGET /containers/json HTTP/1.1\r\n\r\n0\r\n\r\n",
    "chunk_data_without_crlf": b"POST /_ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                               b"3\r\nabcXX0\r\n\r\nGET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "chunk_size_overflow": b"POST /_ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"10000000000000001\r\nx\r\n0\r\n\r\n",
    "space_in_target": b"GET /_ping /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
    "header_without_colon": b"GET /_ping HTTP/1.1\r\nHost: x\r\nGarbage\r\n\r\n",
    "huge_header": b"GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n",
    "many_headers": b"GET /_ping HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(2000)) + b"\r\n",
    "lowercase_method": b"get /containers/json HTTP/1.1\r\nHost: x\r\n\r\n",
}


def status_of(response):
    try:
        return int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


@pytest.mark.parametrize("case", sorted(SMUGGLING))
def test_deny_all_lets_nothing_through(sockguard, docker_daemon, case):
    proxy = deny_all(sockguard)
    mark = docker_daemon.log_mark()
    resp = proxy.raw(SMUGGLING[case], timeout=3.0)
    assert docker_daemon.requests_since(mark) == []
    st = status_of(resp)
    assert st is None or 400 <= st < 500, resp[:200]


@pytest.mark.parametrize("case", sorted(SMUGGLING))
def test_hidden_request_never_reaches_dockerd_behind_an_allowed_one(sockguard, docker_daemon, case):
    """Only /_ping is allowed: whatever dockerd sees must be /_ping."""
    proxy = ping_only(sockguard)
    mark = docker_daemon.log_mark()
    proxy.raw(SMUGGLING[case], timeout=3.0)
    seen = docker_daemon.requests_since(mark)
    assert all(p.split("?")[0].endswith("/_ping") for _, p in seen), seen


def test_malformed_requests_get_400_not_silence(sockguard):
    proxy = deny_all(sockguard)
    for case in ("cl_and_te", "duplicate_cl_differ", "obs_fold", "bare_lf", "absolute_form"):
        st = status_of(proxy.raw(SMUGGLING[case], timeout=3.0))
        assert st == 400, case


def test_chunk_data_not_followed_by_crlf_is_refused_not_relayed(sockguard, docker_daemon):
    """The two bytes after a chunk's data must be CRLF (llhttp checks them only
    when built with LLHTTP_STRICT_MODE): the proxy answers 400 itself instead
    of relaying the body to dockerd (which answers POST /_ping with 404)."""
    proxy = allow_all(sockguard)
    mark = docker_daemon.log_mark()
    resp = proxy.raw(SMUGGLING["chunk_data_without_crlf"], timeout=3.0)
    assert status_of(resp) == 400, resp[:200]
    assert b"chunked" in resp.lower() or b"framing" in resp.lower(), resp[:300]
    assert b" 404 " not in resp, "dockerd answered the malformed request"
    assert ("GET", "/containers/json") not in [(m, p.split("?")[0]) for m, p in docker_daemon.requests_since(mark)]
    status, _, _ = proxy.http("POST", "/_ping", body=b"abc")
    assert status == 404, "a well-framed body reaches dockerd"


def test_oversized_head_gets_431(sockguard):
    proxy = deny_all(sockguard)
    assert status_of(proxy.raw(SMUGGLING["huge_header"], timeout=3.0)) == 431


def test_deny_answer_is_the_spec_json(sockguard, docker_daemon):
    proxy = deny_all(sockguard)
    mark = docker_daemon.log_mark()
    status, headers, body = proxy.http("GET", "/containers/json")
    assert status == 403
    assert headers.get("content-type", "").startswith("application/json")
    # Byte-exact with the Go original (json.Encoder appends a newline).
    assert body == b'{"message":"request denied by sockguard policy"}\n'
    assert docker_daemon.requests_since(mark) == []


def test_allowed_request_still_works_on_the_same_policy(sockguard, docker_daemon):
    proxy = ping_only(sockguard)
    mark = docker_daemon.log_mark()
    status, _, body = proxy.http("GET", "/_ping")
    assert (status, body) == (200, b"OK")
    assert [m for m, _ in docker_daemon.requests_since(mark)] == ["GET"]
