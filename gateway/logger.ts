// The process logger: pino, one JSON line per event. Member PII is logged by id only.
import { type Logger, pino } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'vitalive' },
    redact: {
      paths: ['*.password', '*.secret', '*.token', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}
