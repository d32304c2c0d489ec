// Consultation passes: what a member or an expert shows to sit in one consultation's video call. A pass
// names the consultation, the person, their side and the booking's start, and expires when the call
// closes. It is signed with a key of its own (derived from the access-token secret), so a pass is never
// accepted as an access token, nor an access token as a pass; the booking is checked again on use.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VideoSeat, VideoSide } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';

export interface ConsultationPass {
  consultationId: string;
  personId: string;
  side: VideoSide;
  startsAtMs: number;
  issuedAtMs: number;
  expiresAtMs: number;
}

const MAC_BYTES = 32;
/** Ids are UUIDs; the body is a few hundred bytes, so anything longer is not ours. */
const MAX_PASS_CHARS = 600;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ConsultationPasses {
  readonly #key: Buffer;

  /** `secret`: the access-token key; a key of its own is derived from it. */
  constructor(secret: Uint8Array) {
    this.#key = createHmac('sha256', secret).update('vitalive consultation pass v1').digest();
  }

  #mac(body: string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest();
  }

  mint(seat: VideoSeat, nowMs = Date.now()): { pass: string; expiresAtMs: number } {
    const p: ConsultationPass = {
      consultationId: seat.consultationId,
      personId: seat.personId,
      side: seat.side,
      startsAtMs: seat.startsAtMs,
      issuedAtMs: nowMs,
      expiresAtMs: seat.closesAtMs,
    };
    const body = Buffer.from(JSON.stringify(p)).toString('base64url');
    return { pass: `${body}.${this.#mac(body).toString('base64url')}`, expiresAtMs: p.expiresAtMs };
  }

  /** The pass, when its signature holds, its fields are well formed and it has not expired. */
  verify(raw: unknown, nowMs = Date.now()): ConsultationPass {
    const bad = (reason: string) => new VitaliveError('AUTH_INVALID_TOKEN', { reason });
    if (typeof raw !== 'string' || raw.length > MAX_PASS_CHARS) throw bad('malformed');
    const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(raw);
    if (!m) throw bad('malformed');
    const mac = Buffer.from(m[2]!, 'base64url');
    if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, this.#mac(m[1]!))) throw bad('signature');
    let p: Partial<ConsultationPass>;
    try {
      p = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as Partial<ConsultationPass>;
    } catch {
      throw bad('malformed');
    }
    if (
      typeof p.consultationId !== 'string' ||
      !ID.test(p.consultationId) ||
      typeof p.personId !== 'string' ||
      !ID.test(p.personId) ||
      (p.side !== 'member' && p.side !== 'expert') ||
      !Number.isSafeInteger(p.startsAtMs) ||
      !Number.isSafeInteger(p.issuedAtMs) ||
      !Number.isSafeInteger(p.expiresAtMs)
    )
      throw bad('malformed');
    if (p.expiresAtMs! <= nowMs) throw bad('expired');
    return p as ConsultationPass;
  }
}
