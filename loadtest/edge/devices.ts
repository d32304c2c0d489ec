// Device simulator: npm run devices -- --count 200 --rate 5 [--url mqtt://127.0.0.1:1883]
//   [--data-dir ./data] [--seconds 60] [--member-codes CODE1,CODE2]
// Registers (or re-keys) devices sim-0…sim-N in the edge's data dir, then each publishes `rate` readings
// per second, QoS 1, with its boot_id and seq; MQTT.js reconnects and resends what was not acknowledged.
import { parseArgs } from 'node:util';
import { provisionDevices } from '../../gateway/index.ts';
import { runFleet } from './fleet.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    rate: { type: 'string', default: '5' },
    url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
    'data-dir': { type: 'string', default: './data' },
    seconds: { type: 'string', default: '60' },
    'member-codes': { type: 'string', default: '' },
  },
});
const count = Number(values.count);
const rate = Number(values.rate);
if (!(count > 0 && count <= 10_000 && rate > 0 && rate <= 1000)) {
  process.stderr.write('devices: --count 1..10000 and --rate 1..1000 readings/s per device\n');
  process.exit(2);
}
const devices = provisionDevices(
  values['data-dir']!,
  Array.from({ length: count }, (_, i) => `sim-${i}`),
  'simulated',
  'simulator',
);
const r = await runFleet({
  url: values.url!,
  devices,
  rate,
  window: 20,
  durationMs: Number(values.seconds) * 1000,
  memberCodes: values['member-codes']!.split(',').filter(Boolean),
});
const lat = r.latenciesMs.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    devices: r.connected,
    sent: r.sent,
    acked: r.acked,
    ackedPerSec: Math.round(r.acked / (r.elapsedMs / 1000)),
    pubackP50Ms: lat[Math.floor(lat.length / 2)] ?? null,
    pubackP99Ms: lat[Math.floor(lat.length * 0.99)] ?? null,
  })}\n`,
);
process.exit(0);
