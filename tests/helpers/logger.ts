// A silent logger for tests (set TEST_LOG_LEVEL=debug to see what the code under test logs).
import { pino } from 'pino';

export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
