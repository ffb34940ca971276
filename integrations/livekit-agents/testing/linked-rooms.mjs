// Two participants joined through memory instead of a LiveKit server: the parts of @livekit/rtc-node's Room
// that LiveKit Agents' avatar code and our publisher's avatar bridge use (byte streams, RPC, participants).
import { EventEmitter } from 'node:events';

class Participant {
  constructor(room, identity, attributes = {}) {
    Object.assign(this, { room, identity, attributes, rpc: new Map() });
  }

  registerRpcMethod(method, handler) { this.rpc.set(method, handler); }

  async performRpc({ destinationIdentity, method, payload }) {
    const peer = this.room.peers.get(destinationIdentity);
    const handler = peer?.localParticipant.rpc.get(method);
    if (!handler) throw new Error(`no ${method} on ${destinationIdentity}`);
    this.room.sentRpc.push({ destinationIdentity, method, payload });
    return handler({ callerIdentity: this.identity, payload, requestId: String(Math.random()), responseTimeout: 10000 });
  }

  async streamBytes({ name, topic, destinationIdentities, attributes }) {
    const chunks = [];
    let wake = null;
    let closed = false;
    const reader = {
      info: { streamId: name, name, topic, mimeType: 'application/octet-stream', timestamp: Date.now(), attributes },
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (chunks.length) { yield chunks.shift(); continue; }
          if (closed) return;
          await new Promise((r) => { wake = r; });
        }
      },
    };
    for (const identity of destinationIdentities) this.room.peers.get(identity)?.deliver(topic, reader, this.identity);
    const poke = () => { wake?.(); wake = null; };
    return {
      write: async (bytes) => { chunks.push(Uint8Array.from(bytes)); poke(); },
      close: async () => { closed = true; poke(); },
    };
  }
}

export class LinkedRoom extends EventEmitter {
  constructor(identity, attributes, peers) {
    super();
    this.name = 'linked-room';
    this.isConnected = true;
    this.peers = peers;
    this.sentRpc = [];
    this.handlers = new Map();
    this.remoteParticipants = new Map();
    this.localParticipant = new Participant(this, identity, attributes);
    peers.set(identity, this);
  }

  registerByteStreamHandler(topic, handler) { this.handlers.set(topic, handler); }

  deliver(topic, reader, from) { this.handlers.get(topic)?.(reader, { identity: from }); }
}

/** The agent's room and the avatar's, each seeing the other as a remote participant. */
export function linkedRooms(agentIdentity, avatarIdentity) {
  const peers = new Map();
  const agent = new LinkedRoom(agentIdentity, {}, peers);
  const avatar = new LinkedRoom(avatarIdentity, { 'lk.publish_on_behalf': agentIdentity }, peers);
  agent.remoteParticipants.set(avatarIdentity, { identity: avatarIdentity, kind: 2, trackPublications: new Map() });
  avatar.remoteParticipants.set(agentIdentity, { identity: agentIdentity, kind: 4, trackPublications: new Map() });
  return { agent, avatar };
}
