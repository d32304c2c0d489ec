// The committed static protobuf code matches what pbjs/pbts generate from protocols/device.proto.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/edge.ts';

it('protocols/generated is up to date with device.proto', () => {
  const out = tempDir('proto-');
  execFileSync('bash', ['scripts/gen-proto.sh', out], { stdio: 'pipe' });
  for (const f of ['device.js', 'device.d.ts']) {
    const fresh = fs.readFileSync(path.join(out, f), 'utf8');
    const committed = fs.readFileSync(path.join('protocols/generated', f), 'utf8');
    expect(committed, `${f} differs; run npm run gen:proto`).toBe(fresh);
  }
}, 120_000);
