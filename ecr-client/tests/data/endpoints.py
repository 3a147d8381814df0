"""Writes endpoints.json: what botocore's own rules engine resolves for a
service (ECR unless named) for every region of every partition, with and
without FIPS and dual-stack, and with a custom endpoint. Run with the
botocore that moto installs:

    target/moto-venv/bin/python ecr-client/tests/data/endpoints.py
    target/moto-venv/bin/python ecr-client/tests/data/endpoints.py ecr-public ecr-public-client/tests/data/endpoints.json
"""
import itertools
import json
import os
import sys

import botocore
from botocore.endpoint_provider import EndpointProvider
from botocore.loaders import create_loader

loader = create_loader()
service = sys.argv[1] if len(sys.argv) > 1 else "ecr"
ruleset = loader.load_service_model(service, "endpoint-rule-set-1")
partitions = loader.load_data("partitions")
provider = EndpointProvider(ruleset, partitions)

regions = sorted({r for p in partitions["partitions"] for r in p["regions"]})
# Regions no partition lists by name, found by each partition's pattern.
regions += ["us-east-9", "cn-south-7", "us-gov-north-3", "us-iso-north-2", "us-isob-south-5",
            "eu-isoe-north-4", "us-isof-west-8", "eusc-de-west-2", "xx-unknown-1"]

cases = []
for region, fips, dual, endpoint in itertools.product(regions, [False, True], [False, True], [None]):
    cases.append((region, fips, dual, endpoint))
for fips, dual in itertools.product([False, True], [False, True]):
    cases.append(("us-east-1", fips, dual, "https://example.com/ecr"))

table = []
for region, fips, dual, endpoint in cases:
    params = {"Region": region, "UseFIPS": fips, "UseDualStack": dual}
    if endpoint:
        params["Endpoint"] = endpoint
    try:
        url, error = provider.resolve_endpoint(**params).url, None
    except Exception as e:  # the rules' own error message
        url, error = None, str(e)
    table.append({"region": region, "fips": fips, "dualStack": dual, "endpoint": endpoint, "url": url, "error": error})

out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "endpoints.json")
with open(out, "w") as f:
    json.dump({"botocore": botocore.__version__, "cases": table}, f, indent=1)
    f.write("\n")
print(f"{len(table)} cases from botocore {botocore.__version__} -> {out}")
