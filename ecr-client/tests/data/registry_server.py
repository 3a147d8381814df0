"""A strict stand-in for ECR's image operations, for tests of moving images.

moto keeps no layer bytes, computes image digests its own way, checks no
digest or part size and has no GetDownloadUrlForLayer. This server keeps
every byte and enforces what ECR enforces:

- every call is SigV4-signed (service `ecr`) with the secret `secret`;
  repositories are per region (the signature's) and registry id;
- UploadLayerPart: parts strictly in order (else InvalidLayerPartException
  with lastValidByteReceived), every part but the last at least `min_part`
  bytes (LayerPartTooSmallException), at most 20 MiB; CompleteLayerUpload
  checks the sha256 (InvalidLayerException), refuses an empty upload
  (EmptyUploadException), says LayerAlreadyExistsException;
- PutImage: the digest of the manifest's bytes must be the one given, every
  blob of an image (LayersNotFoundException) and every child of an index
  (ReferencedImagesNotFoundException) must be there, immutable tags stay
  (IMMUTABLE; IMMUTABLE_WITH_EXCLUSION but for tags its WILDCARD filters
  match; MUTABLE_WITH_EXCLUSION only for tags they match);
- UpdateImageStorageClass archives an image or restores it (at once, no
  ACTIVATING phase); DescribeImages by id tells its imageStatus; the blobs
  of an image that is archived are LayerInaccessibleException;
- BatchGetImage by tag or digest; GetDownloadUrlForLayer only for blobs an
  image of the repository references (LayerInaccessibleException), as URLs
  on this server that expire and answer Range requests.

Faults and settings (`POST /__settings`, JSON; `POST /__reset` clears
repositories, settings and counters, `POST /__reset_stats` the counters):
  part_size, min_part: what InitiateLayerUpload answers and enforces;
  fail_part_every: every Nth UploadLayerPart answers HTTP 500, uncommitted;
  drop_part_answers: the first N parts are committed, then the connection
      is closed without an answer;
  expire_urls: the first N blob GETs answer 403 as an expired URL does;
  throttle_put_image: the first N PutImage answer ThrottlingException;
  url_lifetime: seconds a download URL lives;
  bytes_per_second, latency_ms: each blob GET held to that rate, after
      that latency;
  part_delay_ms: each UploadLayerPart answered that much later.
`GET /__stats` counts calls per operation, parts, blob GETs, ranged GETs and
bytes served. It binds 127.0.0.1:0, prints its port, stops when stdin closes.
"""

import base64
import fnmatch
import hashlib
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

DEFAULT_ACCOUNT = "123456789012"
MIB = 1024 * 1024
LOCK = threading.Lock()
STATE = {}


def reset():
    STATE.clear()
    STATE.update(
        repositories={},
        uploads={},
        settings={"part_size": 10 * MIB, "min_part": 5 * MIB, "url_lifetime": 3600},
        stats={"calls": {}, "parts": 0, "blob_gets": 0, "ranged_gets": 0, "bytes_served": 0, "parts_failed": 0},
    )


reset()


class Refusal(Exception):
    def __init__(self, code, message, status=400, **fields):
        super().__init__(message)
        self.code, self.message, self.status, self.fields = code, message, status, fields


def countdown(name):
    """Whether a fault counted down from a setting still applies (and counts it)."""
    left = STATE["settings"].get(name, 0)
    if left > 0:
        STATE["settings"][name] = left - 1
        return True
    return False


def manifest_blobs(manifest):
    if "manifests" in manifest:
        return []
    return [manifest["config"]["digest"]] + [layer["digest"] for layer in manifest.get("layers", [])]


class Handler(local_server.Handler):
    content_type = "application/x-amz-json-1.1"

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path)
        if path.path == "/__stats":
            with LOCK:
                return self.answer(200, STATE["stats"])
        match = re.fullmatch(r"/blob/([^/]+)/([^/]+)/(.+)/(sha256:[0-9a-f]{64})", path.path)
        if not match:
            return self.answer(404, b"not found", "text/plain")
        self.blob(match, dict(urllib.parse.parse_qsl(path.query)))

    def blob(self, match, query):
        region, account, repository, digest = match.groups()
        with LOCK:
            STATE["stats"]["blob_gets"] += 1
            settings = dict(STATE["settings"])
            expired = countdown("expire_urls") or float(query.get("expires", 0)) < time.time()
            data = STATE["repositories"].get((region, account, repository), {}).get("blobs", {}).get(digest)
        if settings.get("latency_ms"):
            time.sleep(settings["latency_ms"] / 1000)
        if expired:
            return self.answer(403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", "application/xml")
        if data is None:
            return self.answer(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
        status, start, end = 200, 0, len(data)
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("range", ""))
        if wanted:
            start = int(wanted.group(1))
            end = min(int(wanted.group(2)) + 1 if wanted.group(2) else len(data), len(data))
            if start >= len(data) or start >= end:
                return self.answer(416, b"", "application/octet-stream")
            status = 206
            with LOCK:
                STATE["stats"]["ranged_gets"] += 1
        headers = [("content-range", "bytes %d-%d/%d" % (start, end - 1, len(data)))] if status == 206 else []
        self.send_response(status)
        self.send_header("content-type", "application/octet-stream")
        self.send_header("content-length", str(end - start))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        rate = settings.get("bytes_per_second")
        step = 64 * 1024
        began = time.monotonic()
        for offset in range(start, end, step):
            piece = data[offset:min(offset + step, end)]
            try:
                self.wfile.write(piece)
            except (BrokenPipeError, ConnectionResetError):
                return
            with LOCK:
                STATE["stats"]["bytes_served"] += len(piece)
            if rate:
                due = began + (offset + len(piece) - start) / rate
                time.sleep(max(0, due - time.monotonic()))

    def do_POST(self):
        body = self.body()
        if self.path == "/__reset":
            with LOCK:
                reset()
            return self.answer(200, {})
        if self.path == "/__reset_stats":
            with LOCK:
                STATE["stats"] = {key: {} if key == "calls" else 0 for key in STATE["stats"]}
            return self.answer(200, {})
        if self.path == "/__settings":
            with LOCK:
                STATE["settings"].update(json.loads(body))
            return self.answer(200, STATE["settings"])
        signer, why = local_server.check_signature(self, body, lambda key: "secret")
        if signer is None or signer[1] != "ecr":
            return self.refuse(Refusal("InvalidSignatureException", why or "signed for " + signer[1], 403))
        region = self.headers["authorization"].split("Credential=")[1].split("/")[2]
        target = self.headers.get("x-amz-target", "")
        if not target.startswith("AmazonEC2ContainerRegistry_V20150921."):
            return self.refuse(Refusal("UnknownOperationException", "target " + target))
        operation = target.split(".", 1)[1]
        try:
            request = json.loads(body)
            with LOCK:
                calls = STATE["stats"]["calls"]
                calls[operation] = calls.get(operation, 0) + 1
                handler = getattr(self, "op_" + operation, None)
                if handler is None:
                    raise Refusal("UnknownOperationException", operation + " is not served here")
                answer = handler(region, request)
        except Refusal as refusal:
            return self.refuse(refusal)
        delay = STATE["settings"].get("part_delay_ms") if operation == "UploadLayerPart" else None
        if delay:
            time.sleep(delay / 1000)
        if answer is DROP:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.answer(200, answer)

    def refuse(self, refusal):
        self.answer(
            refusal.status,
            {"__type": refusal.code, "message": refusal.message, **refusal.fields},
            headers=[("x-amzn-requestid", str(uuid.uuid4()))],
        )

    # --- repositories ---

    def repository(self, region, request):
        key = (region, request.get("registryId") or DEFAULT_ACCOUNT, request["repositoryName"])
        found = STATE["repositories"].get(key)
        if found is None:
            raise Refusal("RepositoryNotFoundException", "The repository with name '%s' does not exist" % key[2])
        return key, found

    def op_CreateRepository(self, region, request):
        key = (region, request.get("registryId") or DEFAULT_ACCOUNT, request["repositoryName"])
        if key in STATE["repositories"]:
            raise Refusal("RepositoryAlreadyExistsException", "exists")
        STATE["repositories"][key] = {
            "blobs": {},
            "manifests": {},
            "tags": {},
            "mutability": request.get("imageTagMutability") or "MUTABLE",
            "exclusions": [f["filter"] for f in request.get("imageTagMutabilityExclusionFilters", [])],
            "archived": set(),
        }
        return {"repository": {"repositoryName": key[2], "registryId": key[1]}}

    # --- push ---

    def op_BatchCheckLayerAvailability(self, region, request):
        _, repository = self.repository(region, request)
        layers, failures = [], []
        for digest in request["layerDigests"]:
            if digest in repository["blobs"]:
                layers.append({"layerDigest": digest, "layerAvailability": "AVAILABLE", "layerSize": len(repository["blobs"][digest])})
            else:
                failures.append({"layerDigest": digest, "failureCode": "MissingLayerDigest", "failureReason": "not found"})
        return {"layers": layers, "failures": failures}

    def op_InitiateLayerUpload(self, region, request):
        key, _ = self.repository(region, request)
        upload_id = str(uuid.uuid4())
        STATE["uploads"][upload_id] = {"repository": key, "data": bytearray(), "last_part": None}
        return {"uploadId": upload_id, "partSize": STATE["settings"]["part_size"]}

    def upload(self, region, request):
        key, _ = self.repository(region, request)
        upload = STATE["uploads"].get(request["uploadId"])
        if upload is None or upload["repository"] != key:
            raise Refusal("UploadNotFoundException", "upload %s not found" % request["uploadId"])
        return upload

    def op_UploadLayerPart(self, region, request):
        upload = self.upload(region, request)
        STATE["stats"]["parts"] += 1
        every = STATE["settings"].get("fail_part_every")
        if every and STATE["stats"]["parts"] % every == 0:
            STATE["stats"]["parts_failed"] += 1
            raise Refusal("ServerException", "injected failure", 500)
        part = base64.b64decode(request["layerPartBlob"], validate=True)
        first, last = request["partFirstByte"], request["partLastByte"]
        have = len(upload["data"])
        if first != have or last - first + 1 != len(part) or len(part) > 20 * MIB:
            raise Refusal(
                "InvalidLayerPartException",
                "part %d-%d of %d bytes; %d bytes received so far" % (first, last, len(part), have),
                lastValidByteReceived=have - 1,
                uploadId=request["uploadId"],
            )
        if upload["last_part"] is not None and upload["last_part"] < STATE["settings"]["min_part"]:
            raise Refusal("LayerPartTooSmallException", "a part of %d bytes was not the last" % upload["last_part"])
        upload["data"] += part
        upload["last_part"] = len(part)
        if countdown("drop_part_answers"):
            return DROP
        return {"uploadId": request["uploadId"], "lastByteReceived": last, "registryId": DEFAULT_ACCOUNT, "repositoryName": request["repositoryName"]}

    def op_CompleteLayerUpload(self, region, request):
        upload = self.upload(region, request)
        _, repository = self.repository(region, request)
        (digest,) = request["layerDigests"]
        data = bytes(upload["data"])
        if not data:
            raise Refusal("EmptyUploadException", "the upload has no bytes")
        actual = "sha256:" + hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise Refusal("InvalidLayerException", "digest %s does not match the upload (%s)" % (digest, actual))
        del STATE["uploads"][request["uploadId"]]
        if digest in repository["blobs"]:
            raise Refusal("LayerAlreadyExistsException", "layer %s exists" % digest)
        repository["blobs"][digest] = data
        return {"layerDigest": digest, "uploadId": request["uploadId"], "repositoryName": request["repositoryName"]}

    def op_PutImage(self, region, request):
        _, repository = self.repository(region, request)
        if countdown("throttle_put_image"):
            raise Refusal("ThrottlingException", "Rate exceeded")
        text = request["imageManifest"]
        raw = text.encode()
        digest = "sha256:" + hashlib.sha256(raw).hexdigest()
        if request.get("imageDigest", digest) != digest:
            raise Refusal("InvalidParameterException", "imageDigest %s is not the manifest's %s" % (request["imageDigest"], digest))
        manifest = json.loads(text)
        media_type = manifest.get("mediaType") or request.get("imageManifestMediaType")
        if manifest.get("mediaType") and request.get("imageManifestMediaType") not in (None, manifest["mediaType"]):
            raise Refusal("InvalidParameterException", "media types disagree")
        missing = [d for d in manifest_blobs(manifest) if d not in repository["blobs"]]
        if missing:
            raise Refusal("LayersNotFoundException", "layers not found: " + ", ".join(missing))
        children = [m["digest"] for m in manifest.get("manifests", []) if m["digest"] not in repository["manifests"]]
        if children:
            raise Refusal("ReferencedImagesNotFoundException", "manifests not found: " + ", ".join(children))
        tag = request.get("imageTag")
        if tag is None and digest in repository["manifests"]:
            raise Refusal("ImageAlreadyExistsException", "image exists")
        if tag is not None and repository["tags"].get(tag) == digest:
            raise Refusal("ImageAlreadyExistsException", "Image with digest '%s' and tag '%s' already exists" % (digest, tag))
        if tag is not None and tag in repository["tags"] and immutable(repository, tag):
            raise Refusal("ImageTagAlreadyExistsException", "tag %s is immutable" % tag)
        repository["manifests"][digest] = (raw, media_type)
        if tag is not None:
            repository["tags"][tag] = digest
        image_id = {"imageDigest": digest, **({"imageTag": tag} if tag else {})}
        return {"image": {"imageId": image_id, "imageManifest": text, "imageManifestMediaType": media_type, "repositoryName": request["repositoryName"]}}

    # --- pull ---

    def op_BatchGetImage(self, region, request):
        key, repository = self.repository(region, request)
        images, failures = [], []
        for image_id in request["imageIds"]:
            digest = image_id.get("imageDigest") or repository["tags"].get(image_id.get("imageTag"))
            if digest not in repository["manifests"]:
                failures.append({"imageId": image_id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})
                continue
            raw, media_type = repository["manifests"][digest]
            images.append({
                "registryId": key[1],
                "repositoryName": key[2],
                "imageId": {"imageDigest": digest, **({"imageTag": image_id["imageTag"]} if image_id.get("imageTag") else {})},
                "imageManifest": raw.decode(),
                "imageManifestMediaType": media_type,
            })
        return {"images": images, "failures": failures}

    def op_GetDownloadUrlForLayer(self, region, request):
        key, repository = self.repository(region, request)
        digest = request["layerDigest"]
        if digest not in repository["blobs"]:
            raise Refusal("LayersNotFoundException", "layer %s not found" % digest)
        referencing = [d for d, (raw, _) in repository["manifests"].items() if digest in manifest_blobs(json.loads(raw))]
        if not referencing:
            raise Refusal("LayerInaccessibleException", "layer %s is not referenced by an image" % digest)
        if all(d in repository["archived"] for d in referencing):
            raise Refusal("LayerInaccessibleException", "layer %s belongs to an archived image" % digest)
        expires = time.time() + STATE["settings"]["url_lifetime"]
        host = self.headers.get("host")
        url = "http://%s/blob/%s/%s/%s/%s?expires=%f&X-Amz-Signature=s3cr3t-signature" % (host, key[0], key[1], key[2], digest, expires)
        return {"downloadUrl": url, "layerDigest": digest}

    def image_digest(self, repository, image_id):
        digest = image_id.get("imageDigest") or repository["tags"].get(image_id.get("imageTag"))
        if digest not in repository["manifests"]:
            raise Refusal("ImageNotFoundException", "The image with imageId %s does not exist" % json.dumps(image_id))
        return digest

    def op_DescribeImages(self, region, request):
        key, repository = self.repository(region, request)
        details = []
        for image_id in request["imageIds"]:
            digest = self.image_digest(repository, image_id)
            tags = sorted(t for t, d in repository["tags"].items() if d == digest)
            status = "ARCHIVED" if digest in repository["archived"] else "ACTIVE"
            details.append({"registryId": key[1], "repositoryName": key[2], "imageDigest": digest, "imageTags": tags, "imageStatus": status})
        return {"imageDetails": details}

    def op_UpdateImageStorageClass(self, region, request):
        key, repository = self.repository(region, request)
        digest = self.image_digest(repository, request["imageId"])
        target = request["targetStorageClass"]
        if target == "ARCHIVE":
            repository["archived"].add(digest)
        elif target == "STANDARD":
            repository["archived"].discard(digest)
        else:
            raise Refusal("ValidationException", "targetStorageClass %s" % target)
        status = "ARCHIVED" if digest in repository["archived"] else "ACTIVE"
        return {"registryId": key[1], "repositoryName": key[2], "imageId": {"imageDigest": digest}, "imageStatus": status}

    def op_ListImages(self, region, request):
        _, repository = self.repository(region, request)
        return {"imageIds": [{"imageDigest": d, "imageTag": t} for t, d in sorted(repository["tags"].items())]}


DROP = object()


def immutable(repository, tag):
    """Whether `tag` may not move, by the repository's mutability setting."""
    matched = any(fnmatch.fnmatchcase(tag, pattern) for pattern in repository["exclusions"])
    return {
        "IMMUTABLE": True,
        "IMMUTABLE_WITH_EXCLUSION": not matched,
        "MUTABLE_WITH_EXCLUSION": matched,
    }.get(repository["mutability"], False)


if __name__ == "__main__":
    local_server.serve(Handler)
