"""One local server that plays every service an identity comes from, and ECR.

It records who signed what, so a test can compare which identity the AWS CLI
and ecr end up using for the same configuration:

- ECR (`X-Amz-Target` POSTs): the SigV4 signature is checked; the access key
  that signed is recorded. DescribeRepositories and GetAuthorizationToken
  answer.
- STS `AssumeRole` (signed; the signature is checked with the source's
  secret) and `AssumeRoleWithWebIdentity` (unsigned; the token must be
  `web-token-ok`). Issued keys are derived from what was asked, so the same
  role assumed from the same source gives the same key to every client.
  With a `SerialNumber`, the `TokenCode` must be `123456`.
- The SSO portal (`GET /federation/credentials`, a bearer token starting
  with `sso-valid-`) and SSO-OIDC (`POST /token`, refresh token
  `refresh-good` with client secret `client-secret`).
- IMDSv2 (`/latest/...`, role `instance-role`) and a container endpoint
  (`GET /container`).

It also serves as a plain-HTTP forward proxy for any of these: each record
says whether its request came through a proxy (`proxied`).

Every secret is `secret-of-` followed by its access key id. `GET /__log`
gives the records as JSON; `POST /__reset` clears them. It binds
127.0.0.1:0, prints its port, and stops when stdin closes.
"""

import base64
import hashlib
import json
import os
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../ecr-client/tests/data"))
import local_server  # noqa: E402  (what the local servers share)

LOG = []
LOCK = threading.Lock()


def record(entry):
    with LOCK:
        LOG.append(entry)


def secret_of(key):
    return "secret-of-" + key


def issued(kind, *parts):
    digest = hashlib.sha1("|".join([kind, *parts]).encode()).hexdigest()[:16].upper()
    return "ASIA" + kind.upper()[:4] + digest


def iso(seconds_from_now):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds_from_now))


def check_signature(handler, body):
    """The signer (key, service, token) if the SigV4 signature is right, else None and why."""
    return local_server.check_signature(handler, body, secret_of)


class Handler(local_server.Handler):
    def record(self, entry):
        # A proxy is sent the absolute URL; a server, the path.
        record({**entry, "proxied": self.path.startswith("http://")})

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(path.query))
        if path.path == "/__log":
            with LOCK:
                return self.answer(200, json.dumps(LOG))
        if path.path == "/federation/credentials":
            token = self.headers.get("x-amz-sso_bearer_token", "")
            account, role = query.get("account_id", ""), query.get("role_name", "")
            self.record({"kind": "sso", "token": token, "account": account, "role": role})
            if not token.startswith("sso-valid-"):
                return self.answer(
                    401,
                    json.dumps({"message": "Session token not found or invalid"}),
                    headers=[("x-amzn-errortype", "UnauthorizedException")],
                )
            key = issued("sso", account, role)
            expiration = int((time.time() + 3600) * 1000)
            creds = {"accessKeyId": key, "secretAccessKey": secret_of(key), "sessionToken": "t-" + key, "expiration": expiration}
            return self.answer(200, json.dumps({"roleCredentials": creds}))
        if path.path == "/latest/meta-data/iam/security-credentials/":
            if self.headers.get("x-aws-ec2-metadata-token") != "imds-session":
                return self.answer(401, "", "text/plain")
            self.record({"kind": "imds"})
            return self.answer(200, "instance-role", "text/plain")
        if path.path == "/latest/meta-data/iam/security-credentials/instance-role":
            if self.headers.get("x-aws-ec2-metadata-token") != "imds-session":
                return self.answer(401, "", "text/plain")
            return self.answer(200, json.dumps(self.metadata_keys("ASIAINSTANCEROLE")), "text/plain")
        if path.path == "/container":
            self.record({"kind": "container"})
            return self.answer(200, json.dumps(self.metadata_keys("ASIACONTAINERROLE")))
        self.answer(404, json.dumps({"message": "no such path " + path.path}))

    def metadata_keys(self, key):
        return {
            "Code": "Success",
            "AccessKeyId": key,
            "SecretAccessKey": secret_of(key),
            "Token": "t-" + key,
            "Expiration": iso(3600),
        }

    def do_PUT(self):
        self.body()
        if self.path == "/latest/api/token":
            return self.answer(200, "imds-session", "text/plain")
        self.answer(404, "")

    def do_POST(self):
        body = self.body()
        path = urllib.parse.urlsplit(self.path).path
        if path == "/__reset":
            with LOCK:
                LOG.clear()
            return self.answer(200, "{}")
        if path == "/token":
            return self.create_token(json.loads(body or b"{}"))
        target = self.headers.get("x-amz-target")
        if target:
            return self.ecr(target, body)
        form = dict(urllib.parse.parse_qsl(body.decode()))
        if form.get("Action") == "AssumeRole":
            return self.assume_role(form, body)
        if form.get("Action") == "AssumeRoleWithWebIdentity":
            return self.web_identity(form)
        self.answer(400, json.dumps({"message": "unexpected request"}))

    def ecr(self, target, body):
        signer, why = check_signature(self, body)
        if signer is None or signer[1] != "ecr":
            self.record({"kind": "ecr-refused", "why": why or "signed for " + signer[1]})
            return self.answer(403, json.dumps({"__type": "InvalidSignatureException", "message": str(why)}))
        key, _, token = signer
        operation = target.rsplit(".", 1)[-1]
        self.record({"kind": "ecr", "key": key, "token": token, "operation": operation})
        if operation == "GetAuthorizationToken":
            login = base64.b64encode(("AWS:token-for-" + key).encode()).decode()
            registry = (json.loads(body or b"{}").get("registryIds") or ["123456789012"])[0]
            data = {
                "authorizationToken": login,
                "expiresAt": time.time() + 12 * 3600,
                "proxyEndpoint": f"https://{registry}.dkr.ecr.us-east-1.amazonaws.com",
            }
            return self.answer(200, json.dumps({"authorizationData": [data]}), "application/x-amz-json-1.1")
        self.answer(200, json.dumps({"repositories": []}), "application/x-amz-json-1.1")

    def assume_role(self, form, body):
        signer, why = check_signature(self, body)
        if signer is None or signer[1] != "sts":
            self.record({"kind": "sts-refused", "why": why})
            return self.sts_error(403, "SignatureDoesNotMatch", str(why))
        params = {k: form[k] for k in ("RoleArn", "ExternalId", "SerialNumber", "TokenCode", "DurationSeconds") if k in form}
        session = form.get("RoleSessionName", "")
        self.record({"kind": "sts", "key": signer[0], "session": session, **params})
        if "SerialNumber" in form and form.get("TokenCode") != "123456":
            return self.sts_error(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
        key = issued("role", signer[0], form["RoleArn"], form.get("ExternalId", ""))
        self.sts_credentials("AssumeRole", key, form["RoleArn"], session)

    def web_identity(self, form):
        self.record({"kind": "sts-web-identity", "RoleArn": form.get("RoleArn"), "token": form.get("WebIdentityToken")})
        if form.get("WebIdentityToken") != "web-token-ok":
            return self.sts_error(400, "InvalidIdentityToken", "token rejected")
        key = issued("web", form["RoleArn"])
        self.sts_credentials("AssumeRoleWithWebIdentity", key, form["RoleArn"], form.get("RoleSessionName", ""))

    def sts_credentials(self, action, key, role_arn, session):
        account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else "123456789012"
        name = role_arn.rsplit("/", 1)[-1]
        xml = (
            f"<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>"
            f"<Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret_of(key)}</SecretAccessKey>"
            f"<SessionToken>t-{key}</SessionToken><Expiration>{iso(3600)}</Expiration></Credentials>"
            f"<AssumedRoleUser><AssumedRoleId>AROA{key[4:]}:{session}</AssumedRoleId>"
            f"<Arn>arn:aws:sts::{account}:assumed-role/{name}/{session}</Arn></AssumedRoleUser>"
            f"</{action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{action}Response>"
        )
        self.answer(200, xml, "text/xml")

    def sts_error(self, status, code, message):
        xml = (
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"
        )
        self.answer(status, xml, "text/xml")

    def create_token(self, form):
        self.record({"kind": "oidc", "refreshToken": form.get("refreshToken"), "grantType": form.get("grantType")})
        if form.get("refreshToken") != "refresh-good" or form.get("clientSecret") != "client-secret":
            return self.answer(400, json.dumps({"error": "invalid_grant"}), headers=[("x-amzn-errortype", "InvalidGrantException")])
        answer = {"accessToken": "sso-valid-refreshed", "tokenType": "Bearer", "expiresIn": 28800, "refreshToken": "refresh-next"}
        self.answer(200, json.dumps(answer))


if __name__ == "__main__":
    local_server.serve(Handler)
