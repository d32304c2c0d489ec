// The all-in-one platform process (`npm start`): reads the configuration, starts every room, and shuts
// down cleanly on SIGINT/SIGTERM (exit 0), or exits 1 when start-up fails.
import { isVitaliveError } from '../protocols/index.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startPlatform } from './platform.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`vitalive: ${isVitaliveError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);

  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform(config, logger);
  } catch (err) {
    logger.fatal({ err, code: isVitaliveError(err) ? err.code : undefined }, 'start-up failed');
    process.exit(1);
  }
  logger.info(
    {
      http: platform.ports.http.port,
      mqtt: platform.ports.mqtt.port,
      media: platform.ports.media.map((p) => p.port),
    },
    'vitalive is up',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    platform.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
