"""Policies the integration tests start proxies with."""

# Allowing everything reaches exec, plugin set, logs, archive...: the start-up
# guards refuse that unless both risks are acknowledged. The body inspectors
# still run with their defaults; the data-plane tests load a non-official
# image tarball and build a Dockerfile with RUN, so those two knobs open up.
ALLOW_ALL = """
insecure_allow_body_blind_writes: true
insecure_allow_read_exfiltration: true
request_body:
  build:
    allow_run_instructions: true
  image_load:
    allow_all_registries: true
rules:
  - match: { method: "*", path: "/**" }
    action: allow
"""

DENY_ALL = """
rules:
  - match: { method: "*", path: "/**" }
    action: deny
    reason: "deny-all test policy"
"""

PING_ONLY = """
rules:
  - match: { method: GET, path: "/_ping" }
    action: allow
  - match: { method: HEAD, path: "/_ping" }
    action: allow
  - match: { method: "*", path: "/**" }
    action: deny
"""


def allow_all(sockguard, **kw):
    return sockguard(config=ALLOW_ALL, **kw)


def deny_all(sockguard, **kw):
    return sockguard(config=DENY_ALL, **kw)


def ping_only(sockguard, **kw):
    return sockguard(config=PING_ONLY, **kw)
