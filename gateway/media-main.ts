// A media node on its own (`npm run media`): reads the configuration, starts the node, and shuts down
// cleanly on SIGINT/SIGTERM (exit 0), or exits 1 when start-up fails.
import { isVitaliveError } from '../protocols/index.ts';
import { startMediaNode } from './compose/media-node.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(
      `vitalive media: ${isVitaliveError(err) ? `${err.code}: ${err.message}` : String(err)}\n`,
    );
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  let node: Awaited<ReturnType<typeof startMediaNode>>;
  try {
    node = await startMediaNode(config, logger);
  } catch (err) {
    logger.fatal({ err, code: isVitaliveError(err) ? err.code : undefined }, 'media node start-up failed');
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'media node shutting down');
    const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
    timer.unref();
    node.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'media node shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
