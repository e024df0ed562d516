"""Commitments that mean something: amounts the mechanism refuses are answered 422 and change
nothing; a condition only a third party can settle is not resolved by the guarantor's delegate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from tests.service.support import T0, Delegate, World, bearer

from pact24.errors import Pact24Error
from pact24.mechanism import Condition, DecisionRecorded, codec
from pact24.service import client as c
from pact24.service.client import signed_request
from pact24.vocab import Choice, ConditionKind, Instrument


def _signed(w: World, d: Delegate, **changes: Any) -> dict[str, Any]:
    """``d``'s troop commitment as ``World.decision`` signs it, with ``changes`` (an amount,
    ``above_offer``...) signed in."""
    body = {k: v for k, v in w.decision(d).items() if k != "signature"}
    fields = {"type": "DecisionRecorded", "at": codec.ts(w.clock.now()), **body, **changes}
    event = codec.from_dict(fields)
    assert isinstance(event, DecisionRecorded)
    return signed_request(event, d.key)


def _event_count(w: World) -> int:
    return int(w.get("").json()["event_count"])


def test_three_zero_troop_commits_are_refused_and_do_not_honour_the_guarantee(
    opened: World,
) -> None:
    pol = opened.add_delegate("POL", "pol-minister")
    delegates = [
        opened.delegates[("GBR", "gbr-minister")],
        opened.delegates[("FRA", "fra-minister")],
        pol,
    ]
    before = _event_count(opened)
    for d in delegates:
        r = opened.decide(d, _signed(opened, d, amount=0))
        assert r.status_code == 422, r.text
        assert r.json()["title"] == "Event refused"
        assert "more than 0" in r.json()["detail"]
    assert _event_count(opened) == before
    opened.clock.set(T0 + timedelta(hours=24, minutes=1))
    outcome = opened.get("/outcome").json()
    assert outcome["honoured"] is False
    troops = next(t for t in outcome["outcome"]["tallies"] if t["instrument"] == "troops")
    assert troops["counted"] == [] and troops["amount"] == 0


def test_an_amount_above_the_offer_needs_the_flag(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    before = _event_count(opened)
    r = opened.decide(gbr, _signed(opened, gbr, amount=1e300))
    assert r.status_code == 422 and "at most 200,000" in r.json()["detail"]
    r = opened.decide(gbr, _signed(opened, gbr, amount=50_000))
    assert r.status_code == 422 and "say so (above_offer)" in r.json()["detail"]
    assert _event_count(opened) == before
    r = opened.decide(gbr, _signed(opened, gbr, amount=50_000, above_offer=True))
    assert r.status_code == 201, r.text
    (event,) = r.json()["events"]
    assert event["body"]["above_offer"] is True and event["body"]["amount"] == 50_000


def test_the_client_signs_above_offer_only_when_asked(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]

    def network(request: httpx.Request) -> httpx.Response:
        r = opened.client.request(
            request.method, str(request.url), content=request.content, headers=request.headers
        )
        return httpx.Response(r.status_code, headers=r.headers, content=r.content)

    transport = httpx.MockTransport(network)
    now = opened.clock.now()
    with httpx.Client(base_url="http://testserver", headers=gbr.headers, transport=transport) as h:
        with pytest.raises(Pact24Error, match="say so"):
            c.decide(h, gbr.key, Instrument.TROOPS, Choice.COMMIT, amount=50_000, now=now)
        answer = c.decide(
            h, gbr.key, Instrument.TROOPS, Choice.COMMIT, amount=50_000, above_offer=True, now=now
        )
    (event,) = answer["events"]
    assert event["body"]["above_offer"] is True and event["body"]["amount"] == 50_000


def _conditional(w: World, d: Delegate, condition: Condition) -> None:
    body = w.decision(d, choice="conditional", condition=condition)
    assert w.decide(d, body).status_code == 201


def _resolve(w: World, guarantor: str, token_headers: dict[str, str]) -> int:
    r = w.client.post(
        f"{w.base}/resolutions",
        json={"guarantor": guarantor, "instrument": "troops", "met": True},
        headers=token_headers,
    )
    return r.status_code


def test_a_delegate_cannot_attest_its_own_parliament_condition(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    _conditional(opened, gbr, Condition(ConditionKind.PARLIAMENT_APPROVAL))
    before = _event_count(opened)
    r = opened.client.post(
        f"{opened.base}/resolutions",
        json={"guarantor": "GBR", "instrument": "troops", "met": True},
        headers=gbr.headers,
    )
    assert r.status_code == 403
    assert "attested by the operator" in r.json()["detail"]
    assert _resolve(opened, "GBR", bearer(opened.reporter)) == 403  # not the beneficiary's
    assert _event_count(opened) == before
    assert _resolve(opened, "GBR", bearer(opened.admin)) == 201
    cell = opened.get("/board").json()["guarantors"][0]["decisions"]["troops"]
    assert cell["condition_met"] is True


def test_the_beneficiary_attests_its_concession_and_a_delegate_its_own_other_demand(
    opened: World,
) -> None:
    gbr, fra = opened.delegates[("GBR", "gbr-minister")], opened.delegates[("FRA", "fra-minister")]
    concession = Condition(ConditionKind.BENEFICIARY_CONCESSION, text="a ceasefire line")
    _conditional(opened, gbr, concession)
    assert _resolve(opened, "GBR", gbr.headers) == 403
    assert _resolve(opened, "GBR", bearer(opened.observer)) == 403
    assert _resolve(opened, "GBR", bearer(opened.reporter)) == 201
    _conditional(opened, fra, Condition(ConditionKind.OTHER, text="airspace closed"))
    assert _resolve(opened, "FRA", gbr.headers) == 403  # another guarantor's delegate
    assert _resolve(opened, "FRA", bearer(opened.reporter)) == 403
    assert _resolve(opened, "FRA", fra.headers) == 201
