"""Every route of movements, clusters and exemplary models declares who may call it, read from
the sub-domain's command table that the use case checks; only the feed is public."""

from __future__ import annotations

from pydantic import SecretStr

from services.plan.clusters.application import COMMANDS as CLUSTERS
from services.plan.main import create_app
from services.plan.settings import PlanSettings
from tests.support import TEST_SECRET

WIDER = ("/movements", "/clusters", "/exemplary-models", "/public/")


def test_every_route_of_the_wider_domain_declares_its_policy() -> None:
    document = create_app(PlanSettings(jwt_secret=SecretStr(TEST_SECRET))).openapi()
    policies = {(method.upper(), path): operation.get("x-tdkt-policy")
                for path, operations in document["paths"].items() if path.startswith(WIDER)
                for method, operation in operations.items()}
    assert len(policies) == 36 and all(policies.values())
    assert {key for key, policy in policies.items() if policy["public"]} == {
        ("GET", f"/public/exemplary-models{suffix}") for suffix in (".json", ".atom", ".rss", "/{model_id}")}
    assert policies["POST", "/clusters/{cluster_id}/ballots"] == {"public": False, "roles": ["unit_clerk"],
                                                                  "unit": "own"}
    assert policies["POST", "/clusters/{cluster_id}/scores"]["roles"] == sorted(
        r.value for r in CLUSTERS["score"].roles)
