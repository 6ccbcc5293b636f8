"""Every route of the reporting service declares who may call it and what it answers."""

from __future__ import annotations

from services.reporting.main import create_app
from services.reporting.settings import ReportingSettings
from tests.support import TEST_SECRET


def test_every_route_declares_its_policy_and_its_response() -> None:
    document = create_app(ReportingSettings.model_validate({"jwt_secret": TEST_SECRET})).openapi()
    operations = {(method.upper(), path): operation for path, items in document["paths"].items()
                  for method, operation in items.items()}
    assert all(op.get("x-tdkt-policy") for op in operations.values())
    for key, op in operations.items():
        ok = next(code for code in op["responses"] if code.startswith("2"))
        assert op["responses"][ok].get("content") or key == ("POST", "/admin/rebuild"), key
    period = operations["GET", "/reports/period"]
    assert period["x-tdkt-policy"]["roles"] == sorted(
        ["appraiser", "auditor", "chair", "council_member", "council_secretary", "integrator", "planner"])
    assert set(period["responses"]["200"]["content"]) == {
        "application/json", "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert operations["PUT", "/reports/forms/{code}/entries/{year}/{unit}"]["x-tdkt-policy"] == {
        "public": False, "roles": ["planner", "unit_clerk"], "unit": "own"}
    assert operations["GET", "/reports/dossiers"]["x-tdkt-policy"]["unit"] == "own"
