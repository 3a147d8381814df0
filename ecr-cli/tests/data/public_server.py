"""A strict stand-in for Amazon ECR Public (moto has none).

Every request must be a POST to `/` with `X-Amz-Target:
SpencerFrontendService.<Operation>`, `Content-Type:
application/x-amz-json-1.1`, and a SigV4 signature for the service
`ecr-public` that verifies (every secret is `secret-of-` followed by its
access key id). The body must match the operation's input shape in
botocore's own model of ECR Public (so run this with the botocore the test
venv has): an object, required members present, no unknown members, each
member of its type (strings within their length limits, blobs as base64).
A request that breaks any of this is answered 400 with the reason.

The 23 operations answer from state kept in memory: repositories with their
catalog data, policies and tags; the registry's catalog data; layer uploads
(parts in order, digests checked at completion); images by digest and tag.
Errors are ECR Public's own (`RepositoryNotFoundException`, ...).

`GET /__log` gives, for each request: operation, access key, region and
service signed for, and the body. It binds 127.0.0.1:0, prints its port,
and stops when stdin closes.
"""

import base64
import hashlib
import json
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../ecr-client/tests/data"))
import local_server  # noqa: E402  (what the local servers share)

from botocore.loaders import create_loader  # noqa: E402

MODEL = create_loader().load_service_model("ecr-public", "service-2")
SHAPES = MODEL["shapes"]
TARGET_PREFIX = MODEL["metadata"]["targetPrefix"] + "."
REGISTRY = "123456789012"
ALIAS = "standin"
NOW = 1_705_072_146.0  # 2024-01-12T15:09:06Z: fixed, so outputs compare byte for byte

LOCK = threading.Lock()
LOG = []
STATE = {"repositories": {}, "registry_catalog": {"displayName": "Stand-in"}, "uploads": {}, "layers": {}}


class Refused(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def check_shape(value, shape_name, where):
    """Raises Refused unless `value` (parsed JSON) fits the model's shape."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            raise Refused("SerializationException", f"{where}: expected an object")
        members = shape.get("members", {})
        for name in shape.get("required", []):
            if name not in value:
                raise Refused("ValidationException", f"{where}: missing required member {name}")
        for name, member_value in value.items():
            if name not in members:
                raise Refused("SerializationException", f"{where}: unknown member {name}")
            check_shape(member_value, members[name]["shape"], f"{where}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            raise Refused("SerializationException", f"{where}: expected a list")
        if len(value) < shape.get("min", 0) or len(value) > shape.get("max", 1 << 62):
            raise Refused("ValidationException", f"{where}: {len(value)} items, out of bounds")
        for i, item in enumerate(value):
            check_shape(item, shape["member"]["shape"], f"{where}[{i}]")
    elif kind == "map":
        if not isinstance(value, dict):
            raise Refused("SerializationException", f"{where}: expected a map")
        for key, item in value.items():
            check_shape(item, shape["value"]["shape"], f"{where}[{key}]")
    elif kind == "string":
        if not isinstance(value, str):
            raise Refused("SerializationException", f"{where}: expected a string")
        if len(value) < shape.get("min", 0) or len(value) > shape.get("max", 1 << 62):
            raise Refused("ValidationException", f"{where}: length {len(value)} out of bounds")
        if "enum" in shape and value not in shape["enum"]:
            raise Refused("ValidationException", f"{where}: {value!r} is not one of {shape['enum']}")
    elif kind == "blob":
        if not isinstance(value, str):
            raise Refused("SerializationException", f"{where}: a blob must be a base64 string")
        try:
            decoded = base64.b64decode(value, validate=True)
        except ValueError:
            raise Refused("SerializationException", f"{where}: not base64")
        if len(decoded) > shape.get("max", 1 << 62):
            raise Refused("ValidationException", f"{where}: {len(decoded)} bytes, too many")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise Refused("SerializationException", f"{where}: expected an integer")
        if value < shape.get("min", -(1 << 62)) or value > shape.get("max", 1 << 62):
            raise Refused("ValidationException", f"{where}: {value} out of bounds")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise Refused("SerializationException", f"{where}: expected a boolean")
    elif kind == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise Refused("SerializationException", f"{where}: expected epoch seconds")


def in_model_order(value, shape_name):
    """`value` with every structure's members in the model's order, as the
    service writes its answers."""
    shape = SHAPES[shape_name]
    if shape["type"] == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        return {k: in_model_order(value[k], members[k]["shape"]) for k in members if k in value}
    if shape["type"] == "list" and isinstance(value, list):
        return [in_model_order(item, shape["member"]["shape"]) for item in value]
    return value


def repository_uri(name):
    return f"public.ecr.aws/{ALIAS}/{name}"


def repository(name):
    repo = STATE["repositories"].get(name)
    if repo is None:
        raise Refused("RepositoryNotFoundException", f"The repository with name '{name}' does not exist in the registry with id '{REGISTRY}'")
    return repo


def repository_view(repo):
    return {k: repo[k] for k in ("repositoryArn", "registryId", "repositoryName", "repositoryUri", "createdAt")}


def page(items, body, key):
    """A page of `items` by nextToken and maxResults, as ECR Public pages."""
    start = int(body.get("nextToken") or 0)
    size = body.get("maxResults") or 100
    answer = {key: items[start:start + size]}
    if start + size < len(items):
        answer["nextToken"] = str(start + size)
    return answer


def image_detail(repo, digest):
    image = repo["images"][digest]
    detail = {
        "registryId": REGISTRY,
        "repositoryName": repo["repositoryName"],
        "imageDigest": digest,
        "imageSizeInBytes": len(image["manifest"]),
        "imagePushedAt": NOW,
        "imageManifestMediaType": image["mediaType"],
    }
    tags = sorted(t for t, d in repo["tags_of_images"].items() if d == digest)
    if tags:
        detail["imageTags"] = tags
    return detail


def op_CreateRepository(body, key):
    name = body["repositoryName"]
    if name in STATE["repositories"]:
        raise Refused("RepositoryAlreadyExistsException", f"The repository with name '{name}' already exists in the registry with id '{REGISTRY}'")
    repo = {
        "repositoryArn": f"arn:aws:ecr-public::{REGISTRY}:repository/{name}",
        "registryId": REGISTRY,
        "repositoryName": name,
        "repositoryUri": repository_uri(name),
        "createdAt": NOW,
        "catalogData": body.get("catalogData", {}),
        "tags": list(body.get("tags", [])),
        "images": {},
        "tags_of_images": {},
    }
    STATE["repositories"][name] = repo
    return {"repository": repository_view(repo), "catalogData": catalog_view(repo["catalogData"])}


def catalog_view(data):
    """Catalog data as the service answers it: the logo as a URL."""
    view = dict(data)
    if "logoImageBlob" in view:
        view["logoUrl"] = "https://logo.standin/" + hashlib.sha256(view.pop("logoImageBlob").encode()).hexdigest()[:12]
    return view


def op_DescribeRepositories(body, key):
    names = body.get("repositoryNames")
    repos = [repository(n) for n in names] if names else [STATE["repositories"][n] for n in sorted(STATE["repositories"])]
    return page([repository_view(r) for r in repos], body, "repositories")


def op_DeleteRepository(body, key):
    repo = repository(body["repositoryName"])
    if repo["images"] and not body.get("force"):
        raise Refused("RepositoryNotEmptyException", f"The repository with name '{repo['repositoryName']}' in registry with id '{REGISTRY}' cannot be deleted because it still contains images")
    del STATE["repositories"][repo["repositoryName"]]
    return {"repository": repository_view(repo)}


def op_GetRepositoryCatalogData(body, key):
    return {"catalogData": catalog_view(repository(body["repositoryName"])["catalogData"])}


def op_PutRepositoryCatalogData(body, key):
    repo = repository(body["repositoryName"])
    repo["catalogData"] = body["catalogData"]
    return {"catalogData": catalog_view(repo["catalogData"])}


def op_SetRepositoryPolicy(body, key):
    repo = repository(body["repositoryName"])
    try:
        json.loads(body["policyText"])
    except ValueError:
        raise Refused("InvalidParameterException", "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'")
    repo["policy"] = body["policyText"]
    return {"registryId": REGISTRY, "repositoryName": repo["repositoryName"], "policyText": repo["policy"]}


def op_GetRepositoryPolicy(body, key):
    repo = repository(body["repositoryName"])
    if "policy" not in repo:
        raise Refused("RepositoryPolicyNotFoundException", "Repository policy does not exist for the repository with name '%s' in the registry with id '%s'" % (repo["repositoryName"], REGISTRY))
    return {"registryId": REGISTRY, "repositoryName": repo["repositoryName"], "policyText": repo["policy"]}


def op_DeleteRepositoryPolicy(body, key):
    answer = op_GetRepositoryPolicy(body, key)
    del repository(body["repositoryName"])["policy"]
    return answer


def by_arn(arn):
    for repo in STATE["repositories"].values():
        if repo["repositoryArn"] == arn:
            return repo
    raise Refused("InvalidParameterException", f"Invalid parameter at 'resourceArn' failed to satisfy constraint: '{arn}'")


def op_TagResource(body, key):
    repo = by_arn(body["resourceArn"])
    new = {t["Key"]: t["Value"] for t in body["tags"]}
    repo["tags"] = [t for t in repo["tags"] if t["Key"] not in new] + [{"Key": k, "Value": v} for k, v in new.items()]
    return {}


def op_UntagResource(body, key):
    repo = by_arn(body["resourceArn"])
    repo["tags"] = [t for t in repo["tags"] if t["Key"] not in body["tagKeys"]]
    return {}


def op_ListTagsForResource(body, key):
    return {"tags": by_arn(body["resourceArn"])["tags"]}


def op_DescribeRegistries(body, key):
    registry = {
        "registryId": REGISTRY,
        "registryArn": f"arn:aws:ecr-public::{REGISTRY}:registry/{REGISTRY}",
        "registryUri": f"public.ecr.aws/{ALIAS}",
        "verified": False,
        "aliases": [{"name": ALIAS, "status": "ACTIVE", "primaryRegistryAlias": True, "defaultRegistryAlias": True}],
    }
    return page([registry], body, "registries")


def op_GetRegistryCatalogData(body, key):
    return {"registryCatalogData": STATE["registry_catalog"]}


def op_PutRegistryCatalogData(body, key):
    if "displayName" in body:
        STATE["registry_catalog"]["displayName"] = body["displayName"]
    return {"registryCatalogData": STATE["registry_catalog"]}


def op_GetAuthorizationToken(body, key):
    # The password names the identity that asked, so a test can tell whose it is.
    token = base64.b64encode(f"AWS:public-password-of-{key}".encode()).decode()
    return {"authorizationData": {"authorizationToken": token, "expiresAt": time.time() + 12 * 3600}}


def op_InitiateLayerUpload(body, key):
    repository(body["repositoryName"])
    upload = str(uuid.uuid4())
    STATE["uploads"][upload] = {"repository": body["repositoryName"], "data": b""}
    return {"uploadId": upload, "partSize": 10 * 1024 * 1024}


def upload_of(body):
    upload = STATE["uploads"].get(body["uploadId"])
    if upload is None or upload["repository"] != body["repositoryName"]:
        raise Refused("UploadNotFoundException", f"Upload with id '{body['uploadId']}' was not found")
    return upload


def op_UploadLayerPart(body, key):
    upload = upload_of(body)
    data = base64.b64decode(body["layerPartBlob"])
    first, last = body["partFirstByte"], body["partLastByte"]
    if first != len(upload["data"]) or last != first + len(data) - 1:
        raise Refused("InvalidLayerPartException", f"Part {first}-{last} does not follow byte {len(upload['data'])}")
    upload["data"] += data
    return {"registryId": REGISTRY, "repositoryName": body["repositoryName"], "uploadId": body["uploadId"], "lastByteReceived": last}


def op_CompleteLayerUpload(body, key):
    upload = upload_of(body)
    digest = "sha256:" + hashlib.sha256(upload["data"]).hexdigest()
    if body["layerDigests"] != [digest]:
        raise Refused("InvalidLayerException", f"The layer digest does not match the uploaded bytes ({digest})")
    STATE["layers"][(body["repositoryName"], digest)] = len(upload["data"])
    del STATE["uploads"][body["uploadId"]]
    return {"registryId": REGISTRY, "repositoryName": body["repositoryName"], "uploadId": body["uploadId"], "layerDigest": digest}


def op_BatchCheckLayerAvailability(body, key):
    repository(body["repositoryName"])
    layers, failures = [], []
    for digest in body["layerDigests"]:
        size = STATE["layers"].get((body["repositoryName"], digest))
        if size is None:
            failures.append({"layerDigest": digest, "failureCode": "MissingLayerDigest", "failureReason": "Layer not found"})
        else:
            layers.append({"layerDigest": digest, "layerAvailability": "AVAILABLE", "layerSize": size})
    return {"layers": layers, "failures": failures}


def op_PutImage(body, key):
    repo = repository(body["repositoryName"])
    manifest = body["imageManifest"]
    digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
    if body.get("imageDigest") not in (None, digest):
        raise Refused("ImageDigestDoesNotMatchException", "The digest does not match the manifest")
    media_type = body.get("imageManifestMediaType") or json.loads(manifest).get("mediaType", "")
    repo["images"][digest] = {"manifest": manifest, "mediaType": media_type}
    image_id = {"imageDigest": digest}
    if body.get("imageTag"):
        repo["tags_of_images"][body["imageTag"]] = digest
        image_id["imageTag"] = body["imageTag"]
    return {"image": {"registryId": REGISTRY, "repositoryName": repo["repositoryName"], "imageId": image_id, "imageManifest": manifest, "imageManifestMediaType": media_type}}


def op_DescribeImages(body, key):
    repo = repository(body["repositoryName"])
    digests = sorted(repo["images"])
    if body.get("imageIds"):
        digests = [i.get("imageDigest") or repo["tags_of_images"].get(i.get("imageTag")) for i in body["imageIds"]]
        if None in digests or any(d not in repo["images"] for d in digests):
            raise Refused("ImageNotFoundException", "The image requested does not exist in the specified repository")
    return page([image_detail(repo, d) for d in digests], body, "imageDetails")


def op_DescribeImageTags(body, key):
    repo = repository(body["repositoryName"])
    details = [
        {"imageTag": tag, "createdAt": NOW, "imageDetail": {k: v for k, v in image_detail(repo, d).items() if k in ("imageDigest", "imageSizeInBytes", "imagePushedAt", "imageManifestMediaType")}}
        for tag, d in sorted(repo["tags_of_images"].items())
    ]
    return page(details, body, "imageTagDetails")


def op_BatchDeleteImage(body, key):
    repo = repository(body["repositoryName"])
    deleted, failures = [], []
    for image_id in body["imageIds"]:
        digest = image_id.get("imageDigest") or repo["tags_of_images"].get(image_id.get("imageTag"))
        if digest not in repo["images"]:
            failures.append({"imageId": image_id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})
            continue
        for tag in [t for t, d in repo["tags_of_images"].items() if d == digest]:
            del repo["tags_of_images"][tag]
            deleted.append({"imageDigest": digest, "imageTag": tag})
        del repo["images"][digest]
        if not any(d["imageDigest"] == digest for d in deleted):
            deleted.append({"imageDigest": digest})
    return {"imageIds": deleted, "failures": failures}


class Handler(local_server.Handler):
    content_type = "application/x-amz-json-1.1"

    def do_GET(self):
        if self.path == "/__log":
            with LOCK:
                return self.answer(200, LOG)
        self.answer(404, {"message": "no such path"})

    def do_POST(self):
        body = self.body()
        try:
            answer = self.handle_call(body)
            self.answer(200, answer)
        except Refused as e:
            self.answer(e.status, {"__type": e.code, "message": e.message})

    def handle_call(self, raw):
        target = self.headers.get("x-amz-target", "")
        if self.path != "/" or not target.startswith(TARGET_PREFIX):
            raise Refused("UnknownOperationException", f"POST {self.path} with target {target!r}", 404)
        operation = target[len(TARGET_PREFIX):]
        if operation not in MODEL["operations"]:
            raise Refused("UnknownOperationException", f"no operation {operation}", 404)
        if self.headers.get("content-type") != "application/x-amz-json-1.1":
            raise Refused("SerializationException", f"content type {self.headers.get('content-type')!r}")
        signer, why = local_server.check_signature(self, raw, lambda key: "secret-of-" + key)
        if signer is None:
            raise Refused("InvalidSignatureException", why, 403)
        key, service, _token = signer
        if service != "ecr-public":
            raise Refused("InvalidSignatureException", f"signed for {service!r}, not 'ecr-public'", 403)
        region = self.headers["authorization"].split("Credential=")[1].split("/")[2]
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise Refused("SerializationException", "the body is not JSON")
        with LOCK:
            LOG.append({"operation": operation, "key": key, "region": region, "service": service, "body": body})
            model = MODEL["operations"][operation]
            check_shape(body, model["input"]["shape"], operation)
            answer = globals()["op_" + operation](body, key)
            return in_model_order(answer, model["output"]["shape"]) if "output" in model else answer


if __name__ == "__main__":
    local_server.serve(Handler)
