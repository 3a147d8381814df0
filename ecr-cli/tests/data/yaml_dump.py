"""Writes each value of a JSON list (stdin) as AWS CLI v2's `--output yaml`
does (awscli.formatter.YAMLDumper: ruamel.yaml's safe dumper over libyaml's
emitter); prints a JSON list of the texts."""

import io
import json
import sys

from awscli.formatter import YAMLDumper

dumper = YAMLDumper()
texts = []
for value in json.load(sys.stdin):
    stream = io.StringIO()
    dumper.dump(value, stream)
    texts.append(stream.getvalue())
json.dump(texts, sys.stdout)
