"""Speaks a 16 kHz mono 16-bit WAV through a Mirrorstage avatar as raw PCM, 100 ms at a time in real time,
the way a streaming TTS (ElevenLabs pcm_16000, Google LINEAR16, Deepgram linear16) would deliver it.
Usage: speak_pcm.py FACE.png SPEECH.wav"""
import asyncio
import json
import sys
import wave

import websockets

from mirrorstage_session import end_session, open_session, until_live, utterance_done

CHUNK = 3200  # 100 ms of 16 kHz s16le mono


async def main(photo, speech):
    with wave.open(speech, "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2), "need 16 kHz mono s16 WAV"
        pcm = wav.readframes(wav.getnframes())
    session = await open_session(photo)
    await until_live(session)
    print(f"live: {session['session_id']}, watch at {session['view_url']}")
    async with websockets.connect(f"{session['websocket_url']}?token={session['token']}", ping_interval=None) as ws:
        for at in range(0, len(pcm), CHUNK):
            await ws.send(pcm[at:at + CHUNK])
            await asyncio.sleep(0.1)
        await ws.send(json.dumps({"type": "speak_done"}))
        done = await utterance_done(ws)
        print(f"spoken: {done['position_seconds']} s of audio rendered by frame {done['frame']}")
    print(f"ended: {await end_session(session)}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
