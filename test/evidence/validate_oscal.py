"""Validates OSCAL documents with compliance-trestle's OSCAL 1.1 models (PyPI, from setup): every
field, type, pattern (uuid, token, date-time) and required member; unknown members refused.
Usage: validate_oscal.py assessment-results.json assessment-plan.json. Prints a JSON report."""
import json
import pathlib
import sys

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.assessment_plan import AssessmentPlan
from trestle.oscal.assessment_results import AssessmentResults

MODELS = {"assessment-results": AssessmentResults, "assessment-plan": AssessmentPlan}
report = {"trestleOscalVersion": OSCAL_VERSION, "documents": [], "errors": []}
for name in sys.argv[1:]:
    path = pathlib.Path(name)
    doc = json.loads(path.read_text())
    (root,) = doc.keys()
    model = MODELS.get(root)
    if model is None:
        report["errors"].append({"file": path.name, "error": f"unknown OSCAL root {root!r}"})
        continue
    try:
        parsed = model.parse_obj(doc[root])
        version = parsed.metadata.oscal_version
        report["documents"].append({"file": path.name, "model": root, "oscalVersion": str(getattr(version, "__root__", version))})
    except Exception as err:  # pydantic's ValidationError lists every error
        for line in str(err).splitlines():
            report["errors"].append({"file": path.name, "error": line})
json.dump(report, sys.stdout)
