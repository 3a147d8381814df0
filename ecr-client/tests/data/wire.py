"""Writes wire.json: the request botocore makes for every ECR operation,
with every input member set, signed with fixed credentials at a fixed time.
The client must send the same target, content type and JSON body, and sign
botocore's exact body bytes to the same Authorization header. Run with the
botocore that moto installs:

    target/moto-venv/bin/python ecr-client/tests/data/wire.py

botocore's telemetry headers (User-Agent, amz-sdk-invocation-id,
amz-sdk-request) are removed before signing: they are not protocol. Only
the document's operations and members are used (where botocore knows a
newer ECR than the document, its additions are left out).
"""
import datetime
import json
import os
from unittest import mock

import botocore
import botocore.parsers
import botocore.serialize
import botocore.session

TIME = datetime.datetime(2024, 1, 12, 15, 9, 6)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
DOCUMENT = json.load(open(os.path.join(ROOT, "specs/amazonaws.com/ecr/2015-09-21/openapi.json")))
SCHEMAS = DOCUMENT["components"]["schemas"]
OPERATIONS = sorted(op["post"]["operationId"] for op in DOCUMENT["paths"].values())
# Values for string shapes whose pattern the generic sample does not match
# (a client that checks patterns before sending would refuse it).
PATTERNED = {
    "KmsKeyForRepositoryCreationTemplate": "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f5a",
    "PrincipalArn": "arn:aws:iam::123456789012:role/ci-puller",
    "ReplicationBackfillId": "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
    "SigningProfileArn": "arn:aws:signer:us-east-1:123456789012:/signing-profiles/release_images",
    "CredentialArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/hub-abc123",
}
ACCESS_KEY, SECRET_KEY, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-example"


def sample(shape, depth=0):
    """A value for `shape` with everything set, within its constraints."""
    kind = shape.type_name
    if kind == "structure":
        known = SCHEMAS.get(shape.name, {}).get("properties", {})
        return {
            name: sample(member, depth + 1)
            for name, member in shape.members.items()
            if name in known and (name in shape.required_members or depth < 3)
        }
    if kind == "list":
        return [sample(shape.member, depth + 1)]
    if kind == "map":
        return {"key1": sample(shape.value, depth + 1)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        low, high = shape.metadata.get("min", 1), shape.metadata.get("max", 64)
        if shape.name == "RegistryId":
            return "123456789012"
        if shape.name == "UploadId":
            return "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"
        if shape.name in PATTERNED:
            return PATTERNED[shape.name]
        return ("v" + shape.name.lower() * 3)[: max(low, min(high, 24))].ljust(low, "x")
    if kind in ("integer", "long"):
        return int(max(shape.metadata.get("min", 1), 1))
    if kind in ("double", "float"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    if kind == "blob":
        return b"\x00\x01layer\xff"
    raise ValueError(f"no sample for {shape.name} ({kind})")


def answer(operation):
    """An answer to `operation` with every output member set, in the wire
    form botocore's own JSON serializer gives its shapes (epoch timestamps,
    base64 blobs), checked by botocore's parser: what the service could send."""
    shape = operation.output_shape
    if shape is None:
        return "{}"
    wire = {}
    botocore.serialize.JSONSerializer()._serialize(wire, sample(shape), shape)
    text = json.dumps(wire)
    parsed = botocore.parsers.JSONParser().parse(
        {"body": text.encode(), "headers": {}, "status_code": 200}, shape)
    assert not parsed.get("Error"), parsed
    return text


class Captured(Exception):
    pass


def main():
    session = botocore.session.get_session()
    client = session.create_client(
        "ecr", region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, aws_session_token=TOKEN,
    )

    def strip_telemetry(request, **kwargs):
        for header in ("User-Agent", "amz-sdk-invocation-id", "amz-sdk-request"):
            if header in request.headers:
                del request.headers[header]

    captured = {}

    def capture(request, **kwargs):
        captured["request"] = request
        raise Captured()

    client.meta.events.register_first("request-created.ecr", strip_telemetry)
    client.meta.events.register("before-send.ecr", capture)

    model = client.meta.service_model
    cases = []
    with mock.patch("botocore.auth.get_current_datetime", lambda *a, **k: TIME):
        for name in OPERATIONS:
            operation = model.operation_model(name)
            params = sample(operation.input_shape) if operation.input_shape else {}
            method = getattr(client, botocore.xform_name(name))
            try:
                method(**params)
            except Captured:
                pass
            request = captured.pop("request")
            headers = {k.lower(): v for k, v in request.headers.items()}
            body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
            cases.append({
                "operation": name,
                "method": request.method,
                "url": request.url,
                "headers": {k: (v.decode() if isinstance(v, bytes) else v) for k, v in sorted(headers.items())},
                "body": body.decode(),
                "answer": answer(operation),
            })

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire.json")
    with open(out, "w") as f:
        json.dump({"botocore": botocore.__version__, "time": TIME.isoformat() + "Z", "accessKeyId": ACCESS_KEY,
                   "secretAccessKey": SECRET_KEY, "sessionToken": TOKEN, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} operations from botocore {botocore.__version__} -> {out}")


main()
