// Simulated testing devices over MQTT.js: each has a boot_id and a per-boot seq, publishes plausible
// readings QoS 1 (some bound to member codes), keeps a window of un-acknowledged messages, and on a
// reconnect MQTT.js resends what was not acknowledged. Records publish→PUBACK latency.
import mqtt from 'mqtt';
import { encodeReading } from '../../protocols/index.ts';

export interface FleetDevice {
  id: string;
  secret?: string;
}

export interface FleetOptions {
  url: string;
  devices: FleetDevice[];
  /** Readings per second per device; 0 = as fast as the window allows. */
  rate: number;
  /** Un-acknowledged publishes per device. */
  window: number;
  durationMs: number;
  memberCodes?: string[];
}

export interface FleetResult {
  connected: number;
  sent: number;
  acked: number;
  elapsedMs: number;
  latenciesMs: number[];
}

const PLAUSIBLE: [metric: number, mean: number, spread: number][] = [
  [1, 72, 15],
  [2, 25, 8],
  [3, 30, 8],
  [4, 9, 4],
  [5, 24, 4],
  [6, 122, 15],
  [7, 80, 10],
  [8, 72, 12],
  [9, 5.6, 1.2],
];

export async function runFleet(o: FleetOptions): Promise<FleetResult> {
  const bootId = Math.floor(Date.now() / 1000) % 2 ** 31;
  const latencies: number[] = [];
  let sent = 0;
  let acked = 0;
  const clients: mqtt.MqttClient[] = [];
  for (let i = 0; i < o.devices.length; i += 100)
    clients.push(
      ...(await Promise.all(
        o.devices.slice(i, i + 100).map((d) =>
          mqtt.connectAsync(o.url, {
            protocolVersion: 4,
            clientId: d.id,
            ...(d.secret ? { username: d.id, password: d.secret } : {}),
            reconnectPeriod: 1000,
            keepalive: 60,
            will: { topic: `devices/${d.id}/status`, payload: Buffer.from('offline'), qos: 1, retain: true },
          }),
        ),
      )),
    );
  const start = performance.now();
  const end = start + o.durationMs;
  let stopped = false;
  await Promise.all(
    clients.map(
      (client, i) =>
        new Promise<void>((resolve) => {
          const id = o.devices[i]!.id;
          const kind = PLAUSIBLE[i % PLAUSIBLE.length]!;
          let seq = 0;
          let inflight = 0;
          const interval = o.rate > 0 ? 1000 / o.rate : 0;
          let nextAt = performance.now() + Math.random() * interval;
          const publish = () => {
            seq++;
            inflight++;
            sent++;
            const code =
              o.memberCodes?.length && seq % 3 === 0 ? o.memberCodes[seq % o.memberCodes.length] : undefined;
            const payload = encodeReading({
              deviceId: id,
              bootId,
              seq,
              metric: kind[0],
              value: Math.round((kind[1] + (Math.random() - 0.5) * kind[2]) * 10) / 10,
              measuredAtMs: Date.now(),
              ...(code ? { memberCode: code } : {}),
            });
            const t0 = performance.now();
            client.publish(`devices/${id}/readings`, Buffer.from(payload), { qos: 1 }, (err) => {
              inflight--;
              if (!err) {
                acked++;
                latencies.push(performance.now() - t0);
              }
              if (interval === 0 || performance.now() >= end) pump();
            });
          };
          const pump = () => {
            if (stopped || performance.now() >= end) {
              if (inflight === 0) resolve();
              return;
            }
            if (interval === 0) {
              while (inflight < o.window) publish();
              return;
            }
            const now = performance.now();
            while (nextAt <= now && inflight < o.window) {
              publish();
              nextAt += interval;
            }
            setTimeout(pump, Math.max(1, nextAt - now));
          };
          pump();
        }),
    ),
  );
  stopped = true;
  const elapsedMs = performance.now() - start;
  await Promise.all(clients.map((c) => c.endAsync()));
  return { connected: clients.length, sent, acked, elapsedMs, latenciesMs: latencies };
}
