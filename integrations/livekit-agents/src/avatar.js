// SPDX-License-Identifier: Apache-2.0
// A Mirrorstage avatar for a LiveKit Agents (Node) agent: the gateway renders a lip-synced talking head of any
// face photo and its worker joins the agent's room as the avatar, publishing on behalf of the agent. The
// agent's speech goes to the avatar over LiveKit's data streams (voice.DataStreamAudioOutput), the standard
// avatar convention, so the agent's pipeline and interruptions work unchanged.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { getJobContext, voice } from '@livekit/agents';
import { TrackKind } from '@livekit/rtc-node';
import { wrapFetchWithPayment } from '@x402/fetch';
import { AccessToken } from 'livekit-server-sdk';

const PUBLISH_ON_BEHALF = 'lk.publish_on_behalf';

export class MirrorstageException extends Error {
  constructor(message) {
    super(message);
    this.name = 'MirrorstageException';
  }
}

/**
 * @typedef {object} AvatarSessionOptions
 * @property {string | Uint8Array | Blob} faceImage  a JPEG or PNG with one clear face (a path, bytes or a Blob)
 * @property {string} [gatewayUrl]         the Mirrorstage gateway (default $MIRRORSTAGE_URL)
 * @property {number} [durationMinutes]    paid time (default: the gateway's default, 15)
 * @property {import('@x402/fetch').x402Client} [x402Client]  pays the gateway when it charges (official x402 client)
 * @property {typeof fetch} [fetch]        the fetch to use (default: global fetch, wrapped for x402 when a client is given)
 * @property {string} [avatarParticipantIdentity]
 * @property {string} [avatarParticipantName]
 */
export class AvatarSession extends voice.AvatarSession {
  #options;
  #fetch;
  #session = null;

  /** @param {AvatarSessionOptions} options */
  constructor(options) {
    super();
    const gatewayUrl = options?.gatewayUrl ?? process.env.MIRRORSTAGE_URL;
    if (!gatewayUrl) throw new MirrorstageException('gatewayUrl must be given or MIRRORSTAGE_URL set');
    if (!options?.faceImage) throw new MirrorstageException('faceImage (a photo with one clear face) is required');
    this.#options = {
      avatarParticipantIdentity: 'mirrorstage-avatar',
      avatarParticipantName: 'Mirrorstage',
      ...options,
      gatewayUrl: gatewayUrl.replace(/\/+$/, ''),
    };
    const base = options.fetch ?? globalThis.fetch;
    this.#fetch = options.x402Client ? wrapFetchWithPayment(base, options.x402Client) : base;
  }

  get avatarIdentity() { return this.#options.avatarParticipantIdentity; }
  get provider() { return 'mirrorstage'; }
  /** The gateway's session document (session_id, token, view_url, ...) once started. */
  get session() { return this.#session; }

  /**
   * Creates the Mirrorstage session for this room and routes the agent's audio to the avatar.
   * @param {voice.AgentSession} agentSession
   * @param {import('@livekit/rtc-node').Room} room
   * @param {{ livekitUrl?: string, livekitApiKey?: string, livekitApiSecret?: string }} [options]
   */
  async start(agentSession, room, options = {}) {
    await super.start(agentSession, room);
    const livekitUrl = options.livekitUrl ?? process.env.LIVEKIT_URL;
    const apiKey = options.livekitApiKey ?? process.env.LIVEKIT_API_KEY;
    const apiSecret = options.livekitApiSecret ?? process.env.LIVEKIT_API_SECRET;
    if (!livekitUrl || !apiKey || !apiSecret) {
      throw new MirrorstageException('livekitUrl, livekitApiKey and livekitApiSecret must be given or set as LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET');
    }
    const agentIdentity = localIdentity(room);

    // The avatar's own token for this room: it publishes the agent's face and voice on the agent's behalf.
    const token = new AccessToken(apiKey, apiSecret, {
      identity: this.avatarIdentity,
      name: this.#options.avatarParticipantName,
      ttl: `${(this.#options.durationMinutes ?? 15) + 60}m`,
    });
    token.kind = 'agent';
    token.addGrant({ roomJoin: true, room: room.name });
    token.attributes = { [PUBLISH_ON_BEHALF]: agentIdentity };

    this.#session = await this.#createSession(livekitUrl, await token.toJwt());
    agentSession.output.audio = new voice.DataStreamAudioOutput({
      room,
      destinationIdentity: this.avatarIdentity,
      waitRemoteTrack: TrackKind.KIND_VIDEO,
    });
    return this.#session;
  }

  /** Ends the Mirrorstage session (the render stops; unused paid time is the gateway's to settle). */
  async aclose() {
    const session = this.#session;
    this.#session = null;
    if (session) {
      await fetch(`${this.#options.gatewayUrl}/v1/sessions/${session.session_id}`, {
        method: 'DELETE', headers: { Authorization: `Bearer ${session.token}` },
      }).catch(() => {});
    }
    await super.aclose?.();
  }

  async #createSession(livekitUrl, livekitToken) {
    const form = new FormData();
    form.append('reference_image', await asBlob(this.#options.faceImage), 'face');
    form.append('accept_tos', 'true');
    form.append('output_url', livekitUrl);
    form.append('livekit_token', livekitToken);
    if (this.#options.durationMinutes) form.append('duration_minutes', String(this.#options.durationMinutes));
    const response = await this.#fetch(`${this.#options.gatewayUrl}/v1/sessions`, { method: 'POST', body: form });
    const body = await response.json().catch(() => ({}));
    if (response.status === 402) {
      throw new MirrorstageException('the gateway charges for sessions: pass an x402Client that can pay it');
    }
    if (response.status !== 201) {
      throw new MirrorstageException(`the gateway refused the session (${response.status} ${body?.error?.code ?? ''}): ${body?.error?.message ?? ''}`);
    }
    return body;
  }
}

function localIdentity(room) {
  const identity = getJobContext(false)?.job?.participant?.identity || room.localParticipant?.identity;
  if (!identity) throw new MirrorstageException('could not tell the agent\'s identity: start the avatar once the room is connected');
  return identity;
}

async function asBlob(image) {
  if (image instanceof Blob) return image;
  if (typeof image === 'string') return new Blob([await readFile(image)], { type: /\.png$/i.test(basename(image)) ? 'image/png' : 'image/jpeg' });
  return new Blob([image]);
}
