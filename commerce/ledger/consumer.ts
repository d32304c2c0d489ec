// The ledger's outbox consumer: order events become ledger entries in the same transaction that moves
// the consumer's position (exactly once), and every posting is also keyed by (order, rule), so a
// redelivered or replayed event finds its entries already there.
import type { EventConsumer } from '../events/index.ts';
import { postEarnings, returnCredit, reverseEarnings } from './postings.ts';
import type { LedgerRules } from './rules.ts';

export const LEDGER_CONSUMER = 'ledger';

export function ledgerConsumer(rules: LedgerRules, now: () => number = Date.now): EventConsumer {
  return {
    name: LEDGER_CONSUMER,
    scope: 'shared',
    async handleInTransaction(trx, event) {
      const orderId = event.aggregateId;
      switch (event.type) {
        case 'order.paid':
          await postEarnings(trx, rules, orderId, event.id, now());
          return;
        case 'order.refunded':
          await reverseEarnings(trx, orderId, event.id, now());
          await returnCredit(trx, orderId, event.id, now());
          return;
        case 'order.cancelled':
        case 'order.expired':
          await returnCredit(trx, orderId, event.id, now());
          return;
        default:
          return;
      }
    },
  };
}
