// The rules a message passes before it is handed to a provider, as pure functions: which channel
// reaches the person, whether quiet hours hold a promotional message back (and until when), and how
// long a failed attempt waits before the next.
import type { DeliveryChannel } from './tables.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface Reachable {
  email: string | null;
  phone: string | null;
  wechatOpenid: string | null;
  preferredChannel: string | null;
  smsOptedOut: boolean;
}

/** Where each channel delivers, or null when the person cannot be reached on it. */
export function addressOn(channel: DeliveryChannel, p: Reachable): string | null {
  if (channel === 'wechat') return p.wechatOpenid;
  if (channel === 'email') return p.email;
  return p.smsOptedOut ? null : p.phone;
}

/**
 * A bound WeChat openid first (the person chose to bind it), then the preferred channel, then e-mail,
 * then SMS. Only channels with an adapter count; null: nowhere to send.
 */
export function chooseChannel(
  p: Reachable,
  available: readonly DeliveryChannel[],
): { channel: DeliveryChannel; to: string } | null {
  const order: DeliveryChannel[] = ['wechat'];
  if (p.preferredChannel === 'email' || p.preferredChannel === 'sms') order.push(p.preferredChannel);
  order.push('email', 'sms');
  for (const channel of order) {
    if (!available.includes(channel)) continue;
    const to = addressOn(channel, p);
    if (to) return { channel, to };
  }
  return null;
}

/** Clock formatters per zone: building an Intl formatter costs far more than using one. */
const clocks = new Map<string, Intl.DateTimeFormat | null>();

function clockIn(zone: string): Intl.DateTimeFormat | null {
  let f = clocks.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      f = null;
    }
    // Zones are a short IANA list; the bound only guards against a flood of invalid names.
    if (clocks.size < 1000) clocks.set(zone, f);
  }
  return f;
}

/** A zone we can format in; anything else reads as the default zone. */
export function validTimeZone(zone: string | null | undefined): string {
  if (!zone) return DEFAULT_TIME_ZONE;
  return clockIn(zone) ? zone : DEFAULT_TIME_ZONE;
}

export function isTimeZone(zone: string): boolean {
  return validTimeZone(zone) === zone;
}

/** Minutes since local midnight in `zone`. */
function localMinutes(nowMs: number, zone: string): number {
  const parts = (clockIn(zone) ?? clockIn(DEFAULT_TIME_ZONE)!).formatToParts(nowMs);
  const get = (t: string) => Number(parts.find((x) => x.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export interface QuietHours {
  /** Local time the quiet hours start, minutes after midnight. @default 1320 (22:00) */
  startMin: number;
  /** Local time they end, minutes after midnight. @default 480 (08:00) */
  endMin: number;
}

/**
 * When quiet hours hold at `nowMs` in `zone`, the time they end (a message waits until then); else
 * undefined. A window whose start equals its end is off. A DST change inside the window may move the
 * end by its offset; zones without DST (the default) are exact to the minute.
 */
export function quietUntil(nowMs: number, zone: string, q: QuietHours): number | undefined {
  if (q.startMin === q.endMin) return undefined;
  const m = localMinutes(nowMs, zone);
  const inside = q.startMin < q.endMin ? m >= q.startMin && m < q.endMin : m >= q.startMin || m < q.endMin;
  if (!inside) return undefined;
  const minutesLeft = (q.endMin - m + 1440) % 1440;
  const startOfMinute = nowMs - (nowMs % 60_000);
  return startOfMinute + minutesLeft * 60_000;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait after the `attempts`-th failed attempt: base × 2^(attempts-1), capped, then scaled by a
 * random factor in [0.5, 1) so messages that failed together do not retry together.
 */
export function retryDelayMs(attempts: number, b: Backoff, random: () => number = Math.random): number {
  const exp = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}
