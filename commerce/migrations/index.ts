// Versioned migrations, applied in key order at start-up. Never edit a migration that has shipped;
// add the next one.
import type { Migration } from 'kysely';
import * as m0001 from './0001-store-meta.ts';
import * as m0002 from './0002-outbox.ts';
import * as m0003 from './0003-people.ts';
import * as m0004 from './0004-sales.ts';
import * as m0005 from './0005-readings.ts';
import * as m0006 from './0006-viewer-events.ts';
import * as m0007 from './0007-live-funnel.ts';
import * as m0008 from './0008-orders.ts';
import * as m0009 from './0009-ledger.ts';
import * as m0010 from './0010-offline-events.ts';
import * as m0011 from './0011-rollups.ts';
import * as m0012 from './0012-recommendation-goals.ts';
import * as m0013 from './0013-goal-rules-and-funnel-index.ts';
import * as m0014 from './0014-contact-proof.ts';
import * as m0015 from './0015-orphaned-payments.ts';
import * as m0016 from './0016-person-locale.ts';
import * as m0017 from './0017-follow-ups.ts';
import * as m0018 from './0018-outbox-sequencer.ts';
import * as m0019 from './0019-messages.ts';
import * as m0021 from './0021-public-lineup.ts';
import * as m0022 from './0022-knowledge.ts';
import * as m0023 from './0023-experts.ts';
import * as m0024 from './0024-reading-alerts.ts';
import * as m0025 from './0025-order-placement-function.ts';
import * as m0027 from './0027-follow-up-list-indexes.ts';
import * as m0028 from './0028-product-images.ts';
import * as m0029 from './0029-withheld-invitations.ts';
import * as m0031 from './0031-dashboard-indexes.ts';
import * as m0032 from './0032-follow-up-scope-indexes.ts';
import * as m0033 from './0033-message-receipts.ts';
import * as m0034 from './0034-contact-reminders.ts';
import * as m0035 from './0035-knowledge-postings-include.ts';
import * as m0037 from './0037-host-follows.ts';
import * as m0038 from './0038-live-chat.ts';

export const migrations: Record<string, Migration> = {
  '0001-store-meta': m0001,
  '0002-outbox': m0002,
  '0003-people': m0003,
  '0004-sales': m0004,
  '0005-readings': m0005,
  '0006-viewer-events': m0006,
  '0007-live-funnel': m0007,
  '0008-orders': m0008,
  '0009-ledger': m0009,
  '0010-offline-events': m0010,
  '0011-rollups': m0011,
  '0012-recommendation-goals': m0012,
  '0013-goal-rules-and-funnel-index': m0013,
  '0014-contact-proof': m0014,
  '0015-orphaned-payments': m0015,
  '0016-person-locale': m0016,
  '0017-follow-ups': m0017,
  '0018-outbox-sequencer': m0018,
  '0019-messages': m0019,
  '0021-public-lineup': m0021,
  '0022-knowledge': m0022,
  '0023-experts': m0023,
  '0024-reading-alerts': m0024,
  '0025-order-placement-function': m0025,
  '0027-follow-up-list-indexes': m0027,
  '0028-product-images': m0028,
  '0029-withheld-invitations': m0029,
  '0031-dashboard-indexes': m0031,
  '0032-follow-up-scope-indexes': m0032,
  '0033-message-receipts': m0033,
  '0034-contact-reminders': m0034,
  '0035-knowledge-postings-include': m0035,
  '0037-host-follows': m0037,
  '0038-live-chat': m0038,
};
