"""Fuzzed render requests (hypothesis mutations of a valid job) against a running engine: each is
a job (202) or a 4xx naming the field, never a 5xx, and the engine keeps answering. A few hundred
examples by default; `-m slow` runs 10,000."""

import json

import pytest
from hypothesis import HealthCheck, given, settings

from engine.server.client import EngineError
from tests.mutations import mutated_text
from tests.server.conftest import small_request

VALID = json.loads(small_request(frames=(2,), size=(32, 32)).model_dump_json())


def _check(engine, text):
    try:
        accepted = engine.client._call("POST", "/jobs", text)
    except EngineError as refused:
        assert 400 <= refused.status < 500, refused
        if refused.status == 422:
            assert refused.detail and all(d["loc"] and d["loc"][0] == "body" for d in refused.detail)
    else:
        assert len(accepted["id"]) == 32


FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]}


@settings(max_examples=250, **FUZZ)
@given(text=mutated_text(VALID))
def test_a_fuzzed_request_is_a_job_or_a_4xx_never_a_5xx(engine, text):
    _check(engine, text)
    assert engine.client.health()["status"] == "ok"


@pytest.mark.slow
@settings(max_examples=10_000, **FUZZ)
@given(text=mutated_text(VALID))
def test_ten_thousand_fuzzed_requests(engine, text):
    _check(engine, text)


@pytest.mark.slow  # seconds of its own: the slow CI step runs it on every submission
def test_the_12_8_mb_request_of_the_fault_campaign_is_refused_naming_the_frame_count(engine):
    # 64 shots x 4000 poses: it held the event loop for 18 s; random mutation never makes one.
    poses = [[[1, 0, 0, round(0.05 * i, 2)], [0, 1, 0, 1.6], [0, 0, 1, 4]] for i in range(4000)]
    body = json.dumps({"shots": [{"name": f"s{k}", "poses": poses, "focal_mm": [35], "film_back_mm": [24.89, 10.414]} for k in range(64)], "width": 32, "height": 32})
    assert len(body) > 12_000_000
    with pytest.raises(EngineError) as refused:
        engine.client._call("POST", "/jobs", body)
    assert refused.value.status == 422 and "256000 frames in all" in refused.value.detail[0]["msg"]
    assert engine.client.health()["status"] == "ok"
