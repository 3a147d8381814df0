"""The SigV4 check the local test servers share: the signature a request
carries, recomputed from the request and the signer's secret."""

import hashlib
import hmac
import urllib.parse


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
