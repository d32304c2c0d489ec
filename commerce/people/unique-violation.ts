// Recognises unique-constraint violations from either backend and says which column collided, so
// callers can retry a colliding random code or answer PERSON_CONTACT_TAKEN for a taken e-mail.
import { VitaliveError } from '../../protocols/index.ts';
import { MAX_CODE_ATTEMPTS } from './codes.ts';

/** The violated column names (e.g. ['member_code']), or undefined when err is not a unique violation. */
export function uniqueViolation(err: unknown): string[] | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; message?: unknown; detail?: unknown };
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: people.member_code" (several "table.col" joined by ", ")
    const list = String(e.message).split(':')[1] ?? '';
    return list.split(',').map((s) => s.trim().split('.').pop() ?? '');
  }
  if (e.code === '23505') {
    // detail: "Key (member_code)=(ABC234) already exists."
    const match = /^Key \(([^)]+)\)=/.exec(String(e.detail ?? ''));
    return match ? match[1]!.split(',').map((s) => s.trim()) : [];
  }
  return undefined;
}

const CODE_COLUMNS = new Set(['member_code', 'referral_code', 'invite_code']);

/**
 * Runs a transaction that draws random codes, again with fresh codes when one collided (PostgreSQL aborts
 * the whole transaction on a violation, so the retry is the transaction). A taken e-mail or phone becomes
 * PERSON_CONTACT_TAKEN; anything else is rethrown.
 */
export async function withCodeRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const columns = uniqueViolation(err);
      if (!columns) throw err;
      if (columns.includes('email')) throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: 'email' });
      if (columns.includes('phone')) throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: 'phone' });
      if (!columns.some((c) => CODE_COLUMNS.has(c))) throw err;
      if (attempt >= MAX_CODE_ATTEMPTS) {
        throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'code generation' }, { cause: err });
      }
    }
  }
}
