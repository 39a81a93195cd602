"""Schemathesis hooks for scripts/fuzz-api.

The local gateway (`cargo lambda watch`) turns a request whose body is declared JSON into an
API Gateway event with the body as text; bytes that are not UTF-8 make it answer its own 500
before any function runs. API Gateway, not the product, owns that step, so such bodies are
sent as their lossy UTF-8 reading instead: still random bytes that are not JSON, which the
functions must refuse with a 400 in their client's format. The raw-bytes case itself is
covered by the black-box test `non_utf8_bodies_are_refused_in_each_clients_format`, which
drives the routers directly.
"""

import schemathesis


@schemathesis.hook
def map_body(context, body):
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", "replace").encode("utf-8")
    return body
