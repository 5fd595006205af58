"""Validates OCSF events (JSON lines on stdin) against the OCSF schema of their metadata.version,
as published by schema.ocsf.io and shipped by the PyPI package ocsf-json-schema: the JSON Schema
of each event's class with the profiles it declares (additional attributes refused, enums and
required attributes checked). Prints one JSON report: events, per class counts, errors."""
import json
import sys

from jsonschema import Draft202012Validator
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

validators = {}
report = {"events": 0, "classes": {}, "errors": []}
schemas = {}

for n, line in enumerate(sys.stdin):
    line = line.strip()
    if not line:
        continue
    event = json.loads(line)
    report["events"] += 1
    version = (event.get("metadata") or {}).get("version")
    if version not in schemas:
        try:
            schemas[version] = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=version))
        except Exception as err:  # an unknown version is an error, not a crash
            report["errors"].append({"line": n, "uid": None, "error": f"OCSF version {version!r}: {err}"})
            continue
    schema = schemas[version]
    profiles = tuple(sorted((event.get("metadata") or {}).get("profiles") or []))
    try:
        class_name = schema.lookup_class_name_from_uid(class_uid=event.get("class_uid"))
    except Exception as err:
        report["errors"].append({"line": n, "uid": None, "error": f"class_uid {event.get('class_uid')!r}: {err}"})
        continue
    key = (version, class_name, profiles)
    if key not in validators:
        validators[key] = Draft202012Validator(schema.get_class_schema(class_name=class_name, profiles=list(profiles)))
    report["classes"][class_name] = report["classes"].get(class_name, 0) + 1
    for err in validators[key].iter_errors(event):
        report["errors"].append({
            "line": n,
            "uid": (event.get("metadata") or {}).get("uid"),
            "class": class_name,
            "path": "/".join(str(p) for p in err.absolute_path),
            "error": err.message[:300],
        })

json.dump(report, sys.stdout)
