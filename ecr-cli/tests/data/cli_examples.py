"""Prints, as JSON, every `aws ecr` command line of the AWS CLI's own
examples (awscli/examples/ecr/*.rst of the awscli this Python has): a list
of {"file", "argv"}, argv split as a shell splits it, after `aws ecr`.
Lines continued with a backslash are joined; `--profile`, `--region` and
shell pipes are left as written."""

import json
import os
import shlex

import awscli

EXAMPLES = os.path.join(os.path.dirname(awscli.__file__), "examples", "ecr")

found = []
for name in sorted(os.listdir(EXAMPLES)):
    if not name.endswith(".rst"):
        continue
    lines = open(os.path.join(EXAMPLES, name), encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line.startswith("aws ecr "):
            continue
        while line.endswith("\\") and i < len(lines):
            line = line[:-1].rstrip() + " " + lines[i].strip()
            i += 1
        found.append({"file": name, "argv": shlex.split(line)[2:]})
print(json.dumps(found, indent=1))
