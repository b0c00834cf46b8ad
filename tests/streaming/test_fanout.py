"""Fan-out through send_round against the real local server: K requests, failures, learning."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from editor.client import BadRequestError, EditsClient, Endpoint, RateLimitError
from editor.pipeline import ApiOptions, CapabilityMemory, EditParams, PartialPreview, send_round
from editor.pipeline.fanout import failure_summary, is_n_rejection, split_counts
from editor.server import ServerThread

from .helpers import edit_array, photo_array


def client_for(server: ServerThread) -> EditsClient:
    return EditsClient(Endpoint(base_url=server.base_url, max_retries=0, timeout=60))


def add_fault(server: ServerThread, **fault: object) -> None:
    httpx.post(server.origin + "/_test/faults", json=fault, timeout=10).raise_for_status()


def logged(server: ServerThread) -> list[dict[str, object]]:
    return list(httpx.get(server.origin + "/_test/requests", timeout=10).json())


def sent_n(server: ServerThread) -> list[str]:
    return [str(e["fields"]["n"]) for e in logged(server)]  # type: ignore[index]


@pytest.mark.asyncio
async def test_n4_on_a_one_per_request_model_sends_four_requests(server: ServerThread) -> None:
    async with client_for(server) as client:
        outcome = await send_round(
            client,
            photo_array(),
            edit_array(),
            EditParams(ApiOptions(prompt="fill", model="telea", n=4)),
            max_n_per_request=1,
        )
    assert sent_n(server) == ["1", "1", "1", "1"]
    assert [v.index for v in outcome.variants] == [0, 1, 2, 3]
    assert len(outcome.result.images) == 4 and outcome.failures == []
    assert len(outcome.requests) == 4 and all(r.ok and r.total_s for r in outcome.requests)
    assert outcome.failure_message is None


@pytest.mark.asyncio
async def test_uneven_split_and_concurrency_bound(server: ServerThread) -> None:
    async with client_for(server) as client:
        outcome = await send_round(
            client,
            photo_array(),
            edit_array(),
            EditParams(ApiOptions(prompt="fill", model="telea", n=5)),
            max_n_per_request=2,
            concurrency=1,
        )
    assert sorted(sent_n(server)) == ["1", "2", "2"]
    assert [v.index for v in outcome.variants] == [0, 1, 2, 3, 4]
    assert [(r.offset, r.n) for r in outcome.requests] == [(0, 2), (2, 2), (4, 1)]


@pytest.mark.asyncio
async def test_one_failing_request_keeps_the_others(server: ServerThread) -> None:
    add_fault(server, kind="status", status=429, times=1)
    async with client_for(server) as client:
        outcome = await send_round(
            client,
            photo_array(),
            edit_array(),
            EditParams(ApiOptions(prompt="fill", model="telea", n=4)),
            max_n_per_request=1,
        )
    assert len(outcome.variants) == 3
    assert len(outcome.failures) == 1 and isinstance(outcome.failures[0], RateLimitError)
    message = outcome.failure_message or ""
    assert message.startswith("1 of 4 variants failed: The service is rate-limiting requests (429)")
    failed = [r for r in outcome.requests if not r.ok]
    assert len(failed) == 1 and failed[0].error is not None
    # the slot of the failed request is a gap; the others keep their numbers
    assert {v.index for v in outcome.variants} | {failed[0].offset} == {0, 1, 2, 3}


@pytest.mark.asyncio
async def test_all_failing_raises_the_first_error(server: ServerThread) -> None:
    add_fault(server, kind="status", status=429, times=2)
    async with client_for(server) as client:
        with pytest.raises(RateLimitError):
            await send_round(
                client,
                photo_array(),
                edit_array(),
                EditParams(ApiOptions(prompt="fill", model="telea", n=2)),
                max_n_per_request=1,
            )


@pytest.mark.asyncio
async def test_learns_n1_from_a_rejection_and_remembers(server: ServerThread) -> None:
    add_fault(server, kind="reject_n", times=50)
    memory = CapabilityMemory()
    async with client_for(server) as client:
        outcome = await send_round(
            client,
            photo_array(),
            edit_array(),
            EditParams(ApiOptions(prompt="fill", model="telea", n=3)),
            memory=memory,
            profile="gateway",
        )
        assert sent_n(server) == ["3", "1", "1", "1"]
        assert len(outcome.variants) == 3 and outcome.failures == []
        assert outcome.learned_limit == 1
        assert memory.limit("gateway", "telea") == 1
        assert memory.limit("other", "telea") is None
        restored = CapabilityMemory.from_json(memory.to_json())
        assert restored.limit("gateway", "telea") == 1

        httpx.delete(server.origin + "/_test/requests", timeout=10)
        again = await send_round(
            client,
            photo_array(),
            edit_array(),
            EditParams(ApiOptions(prompt="fill", model="telea", n=2)),
            memory=restored,
            profile="gateway",
        )
    assert sent_n(server) == ["1", "1"]  # no rejected request this time
    assert len(again.variants) == 2 and again.learned_limit is None


@pytest.mark.asyncio
async def test_fanned_out_streams_number_previews_by_slot(server: ServerThread) -> None:
    previews: list[PartialPreview] = []
    original = photo_array()
    edit = edit_array()
    async with client_for(server) as client:
        outcome = await send_round(
            client,
            original,
            edit,
            EditParams(
                ApiOptions(prompt="fill", model="patchmatch", n=2, stream=True, partial_images=2)
            ),
            on_partial=previews.append,
            max_n_per_request=1,
        )
    assert sorted((p.index, p.partial_index) for p in previews) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for p in previews:
        # in the original's frame, composited: outside the mask the original is untouched
        assert p.pixels.shape == original.shape and p.scale == 1.0
        assert np.array_equal(p.pixels[edit == 0], original[edit == 0])
        assert p.description
    assert len(outcome.variants) == 2


@pytest.mark.asyncio
async def test_dropped_stream_in_run_edit_keeps_previews(server: ServerThread) -> None:
    add_fault(server, kind="drop_stream", after_events=1)
    previews: list[PartialPreview] = []
    async with client_for(server) as client:
        with pytest.raises(Exception, match="stream was cut"):
            await send_round(
                client,
                photo_array(),
                edit_array(),
                EditParams(
                    ApiOptions(prompt="fill", model="telea", n=1, stream=True, partial_images=2)
                ),
                on_partial=previews.append,
                preview_max_side=80,
            )
    assert len(previews) == 1 and previews[0].pixels.shape[1] == 80


def test_split_counts_and_rejection_words() -> None:
    assert split_counts(4, 1) == [1, 1, 1, 1]
    assert split_counts(7, 3) == [3, 3, 1]
    assert split_counts(2, 10) == [2]

    def bad(message: str, param: str | None = None) -> BadRequestError:
        return BadRequestError("x", status=400, param=param, service_message=message)

    assert is_n_rejection(bad("whatever", param="n"))
    assert is_n_rejection(bad("n must be 1 for this model"))
    assert is_n_rejection(bad("This model supports only n=1."))
    assert is_n_rejection(bad("Invalid value for 'n': 4"))
    assert not is_n_rejection(bad("Invalid mask"))
    assert not is_n_rejection(RateLimitError("x", status=429, param="n"))


def test_failure_summary_names_counts_and_the_reason() -> None:
    errors = [RateLimitError("The service is rate-limiting requests (429).", status=429)] * 2
    assert failure_summary(errors, 2, 4) == (
        "2 of 4 variants failed: The service is rate-limiting requests (429)."
    )
    assert failure_summary([], 0, 4) is None


def test_memory_from_bad_json_is_empty_and_forget_works() -> None:
    assert len(CapabilityMemory.from_json({"limits": [{"profile": 1}, "x", None]})) == 0
    assert len(CapabilityMemory.from_json("nonsense")) == 0
    memory = CapabilityMemory()
    memory.learn("p", "m", 1)
    memory.learn("p", "k", 2)
    memory.forget("p", "m")
    assert memory.items() == [("p", "k", 2)]
