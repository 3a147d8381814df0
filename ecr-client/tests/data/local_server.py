"""What the local test servers share: a request handler that answers and
reads bodies, serving on 127.0.0.1 until stdin closes, and the SigV4 check
(the signature a request carries, recomputed from the request and the
signer's secret)."""

import hashlib
import hmac
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    """Answers with a body (bytes as they are, text encoded, anything else
    as JSON) and reads request bodies; quiet."""

    protocol_version = "HTTP/1.1"
    content_type = "application/json"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type=None, headers=()):
        if isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", content_type or self.content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""


def serve(handler):
    """Serves `handler` on 127.0.0.1 at a port of its own, printed first;
    stops when stdin closes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


def check_signature(handler, body, secret_of):
    """(key, service, session token) if the SigV4 signature is right, else
    (None, why). `secret_of(key)` gives the secret of an access key id."""
    auth = handler.headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return None, "unsigned"
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key, date, region, service, _ = fields["Credential"].split("/")
    signed = fields["SignedHeaders"].split(";")
    parsed = urllib.parse.urlsplit(handler.path)
    query = sorted(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
    canonical_query = "&".join(
        urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~") for k, v in query
    )
    headers = "".join(name + ":" + " ".join(handler.headers.get(name, "").split()) + "\n" for name in signed)
    canonical = "\n".join(
        [handler.command, parsed.path or "/", canonical_query, headers, ";".join(signed), hashlib.sha256(body).hexdigest()]
    )
    scope = "/".join([date, region, service, "aws4_request"])
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", handler.headers.get("x-amz-date", ""), scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    k = ("AWS4" + secret_of(key)).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]):
        return None, "bad signature by " + key
    return (key, service, handler.headers.get("x-amz-security-token")), None
