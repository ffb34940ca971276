"""Speaks an MP3 through a Mirrorstage avatar by sending the whole file as one binary message, the way a
TTS that returns MP3 (OpenAI, Fish Audio) would be used: the worker recognises and decodes it.
Usage: speak_mp3.py FACE.png SPEECH.mp3"""
import asyncio
import json
import sys

import websockets

from mirrorstage_session import end_session, open_session, until_live, utterance_done


async def main(photo, speech):
    with open(speech, "rb") as f:
        mp3 = f.read()
    session = await open_session(photo)
    await until_live(session)
    print(f"live: {session['session_id']}, watch at {session['view_url']}")
    async with websockets.connect(f"{session['websocket_url']}?token={session['token']}", ping_interval=None) as ws:
        await ws.send(mp3)
        await ws.send(json.dumps({"type": "speak_done"}))
        done = await utterance_done(ws)
        print(f"spoken: {done['position_seconds']} s of audio rendered by frame {done['frame']}")
    print(f"ended: {await end_session(session)}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
