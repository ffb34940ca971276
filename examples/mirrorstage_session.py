"""The steps every Mirrorstage client takes: create a session with a face photo, wait until its render is
live, then talk to it over its WebSocket. Written for a gateway at price 0 (a local `mirrorstage up`); a
paying gateway answers the first POST with 402 and PAYMENT-REQUIRED, which an x402 client pays."""
import asyncio
import json
import os

import httpx

GATEWAY = os.environ.get("MIRRORSTAGE_URL", "http://127.0.0.1:5080").rstrip("/")


async def open_session(photo_path, output_url=""):
    """POST /v1/sessions; an empty output_url lets the gateway choose (its LiveKit, else its preview)."""
    async with httpx.AsyncClient(timeout=30) as http:
        with open(photo_path, "rb") as photo:
            answer = await http.post(
                f"{GATEWAY}/v1/sessions",
                files={"reference_image": (os.path.basename(photo_path), photo, "image/png")},
                data={"output_url": output_url, "accept_tos": "true", "duration_minutes": "10"},
            )
    if answer.status_code == 402:
        raise SystemExit("this gateway charges: pay the PAYMENT-REQUIRED challenge with an x402 client")
    answer.raise_for_status()
    return answer.json()


async def until_live(session, every_seconds=0.5, give_up_after=60):
    """Polls GET /v1/sessions/{id} until the worker has the face on air."""
    headers = {"Authorization": f"Bearer {session['token']}"}
    async with httpx.AsyncClient(timeout=15) as http:
        for _ in range(int(give_up_after / every_seconds)):
            state = (await http.get(f"{GATEWAY}/v1/sessions/{session['session_id']}", headers=headers)).json()
            if state["status"] == "active":
                return state
            if state["status"] in ("failed", "ended"):
                raise SystemExit(f"the session stopped before going live: {state.get('failure_reason')}")
            await asyncio.sleep(every_seconds)
    raise SystemExit("the session did not go live in time")


async def utterance_done(ws):
    """Reads the socket until the worker says the utterance has been rendered."""
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == "chunk_done":
            return message
        if message["type"] in ("error", "session_ended"):
            raise SystemExit(f"the worker said: {message}")


async def end_session(session):
    async with httpx.AsyncClient(timeout=15) as http:
        answer = await http.delete(f"{GATEWAY}/v1/sessions/{session['session_id']}",
                                   headers={"Authorization": f"Bearer {session['token']}"})
    answer.raise_for_status()
    return answer.json()
