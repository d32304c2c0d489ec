// The baseline target: the bare socket.io server of bare-server.ts in a child process.
import { compiledNode } from '../compiled.ts';
import { type FanoutTarget, nextJson } from './harness.ts';

export async function startBareTarget(): Promise<FanoutTarget> {
  const child = await compiledNode('loadtest/fanout/bare-server.ts', [], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const { port } = await nextJson<{ port: number }>(child, (v) => typeof v.port === 'number');
  return {
    name: 'bare-socket.io',
    url: `http://127.0.0.1:${port}`,
    namespace: '/live',
    joinEvent: 'live:join',
    joinPayload: {},
    watchEvent: 'card:pinned',
    async trigger() {
      child.stdin!.write('pin\n');
    },
    async rssMb() {
      const p = nextJson<{ rssMb: number }>(child, (v) => typeof v.rssMb === 'number');
      child.stdin!.write('rss\n');
      return (await p).rssMb;
    },
    async close() {
      child.stdin!.write('exit\n');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
