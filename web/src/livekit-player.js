// Plays a LiveKit room with a subscribe-only token: the avatar's camera and microphone tracks into one <video>.
import { Room, RoomEvent, Track } from 'livekit-client';

export async function playLiveKit(video, url, token) {
  const room = new Room({ adaptiveStream: false, dynacast: false });
  room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === Track.Kind.Video) track.attach(video);
    if (track.kind === Track.Kind.Audio) document.body.appendChild(track.attach());
  });
  await room.connect(url, token, { autoSubscribe: true });
  return { stop: () => room.disconnect() };
}
