// The audiences of the /staff stream and their figures: staff and admins see everything (one room);
// each channel manager sees figures computed from their own channels' rows only, and only their channels'
// buyers' orders (a room each). The filter runs here, on the server, per audience.
import type { ConversionFigures, RecentOrder } from '../../../commerce/index.ts';
import type { Principal } from '../../auth/index.ts';
import { buildFigures, type StaffFigures } from './figures.ts';
import type { StaffNamespaceDeps } from './types.ts';

export const STAFF_ROOM = 'staff:all';
export const managerRoom = (personId: string) => `cm:${personId}`;
/** The sockets of the managers of one channel (joined on connect, kept in step with each re-check). */
export const channelRoom = (channelId: string) => `ch:${channelId}`;

/** Orders on the dashboard's live list. */
const LIVE_ORDERS = 20;

export const isStaff = (p: Principal): boolean => p.roles.includes('staff') || p.roles.includes('admin');

export class StaffAudiences {
  /** Last payload per audience, so unchanged figures are not re-sent. */
  readonly lastSent = new Map<string, string>();
  /** channel manager person id → their channels, for the managers connected to this node */
  readonly managers = new Map<string, Set<string>>();
  /** Last conversion figures per audience (room): when, and at which rollups version, they were read. */
  readonly #conversionCache = new Map<
    string,
    { atMs: number; version: string; figures: ConversionFigures }
  >();
  /** Last order list per audience, read again when an event consumer has moved on. */
  readonly #ordersCache = new Map<string, { atMs: number; version: string; orders: RecentOrder[] }>();
  readonly #deps: StaffNamespaceDeps;
  readonly #maxAgeMs: number;

  constructor(deps: StaffNamespaceDeps) {
    this.#deps = deps;
    this.#maxAgeMs = deps.conversionMaxAgeMs ?? 10_000;
  }

  /** An audience's figures are to be read afresh (its channels changed, or it has gone). */
  forget(room: string, { sent = false } = {}): void {
    this.#conversionCache.delete(room);
    this.#ordersCache.delete(room);
    if (sent) this.lastSent.delete(room);
  }

  async #conversionOf(room: string, channels: ReadonlySet<string> | undefined, version: string) {
    const cached = this.#conversionCache.get(room);
    const now = Date.now();
    if (cached && cached.version === version && now - cached.atMs < this.#maxAgeMs) return cached.figures;
    const figures = await this.#deps.dashboard.conversion(channels);
    this.#conversionCache.set(room, { atMs: now, version, figures });
    return figures;
  }

  async #ordersOf(room: string, channels: ReadonlySet<string> | undefined, version: string) {
    const cached = this.#ordersCache.get(room);
    const now = Date.now();
    if (cached && cached.version === version && now - cached.atMs < this.#maxAgeMs) return cached.orders;
    const orders = await this.#deps.dashboard.recentOrders(channels, LIVE_ORDERS);
    this.#ordersCache.set(room, { atMs: now, version, orders });
    return orders;
  }

  async compute(
    room: string,
    channels: ReadonlySet<string> | undefined,
    version: string,
  ): Promise<StaffFigures> {
    const { sources, dashboard } = this.#deps;
    const sessions = await sources.liveSessions();
    const rows = await dashboard.liveFunnel(sessions.map((s) => s.id));
    const figures: StaffFigures = {
      atMs: Date.now(),
      sessions: buildFigures(sessions, rows, channels ? undefined : sources.viewersNow, channels),
      conversion: await this.#conversionOf(room, channels, version),
      orders: await this.#ordersOf(room, channels, version),
    };
    if (!channels) {
      if (sources.devices) figures.devices = await sources.devices();
      if (sources.media) figures.media = await sources.media();
      if (sources.orphanedPayments) figures.payments = { orphaned: await sources.orphanedPayments() };
    }
    return figures;
  }
}
