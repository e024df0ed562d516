"""The OpenAPI document is complete, and no generated request gets a 5xx answer.

Schemathesis derives requests from the document itself (valid and invalid ones) for every
operation. They carry an admin token, and half of them name the guarantee whose window is
open, so most reach the service's logic rather than stopping at the token check or a 404.
Examples per operation are bounded (``EXAMPLES``) to keep the suite fast; for a longer run:
``PACT24_FUZZ_EXAMPLES=500 pytest tests/service/test_openapi.py``.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests.service.support import World, bearer

from pact24.service.api.problems import MEDIA_TYPE

EXAMPLES = int(os.environ.get("PACT24_FUZZ_EXAMPLES", "12"))


def test_every_route_is_documented(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    paths = spec["paths"]
    for route in world.client.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if path.startswith("/api/") or path == "/healthz":
            assert path in paths, path
    decision = paths["/api/v1/guarantees/{guarantee_id}/decisions"]["post"]
    assert {"400", "401", "403", "409", "422"} <= set(decision["responses"])
    assert MEDIA_TYPE in decision["responses"]["409"]["content"]


def test_no_generated_request_gets_a_server_error(opened: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", opened.client.app)
    headers = bearer(opened.admin)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), real=st.booleans())
        def run(case: schemathesis.Case, real: bool) -> None:
            if real and "guarantee_id" in (case.path_parameters or {}):
                case.path_parameters["guarantee_id"] = opened.gid  # reach the logic behind
            response = case.call(headers={**headers, **(case.headers or {})})
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:200]}"
                )

        run()
    assert not failures, "\n".join(failures[:20])
