import { MessagingTables1764115200000 } from './messaging-tables.migration';
import { OutboxDeletedOnPublish1764460800000 } from './outbox-deleted-on-publish.migration';
import { InboxPrunedByAge1764547200000 } from './inbox-pruned-by-age.migration';

/** The outbox and inbox migrations, in order: every service lists them first among its own. */
export const messagingMigrations = [MessagingTables1764115200000, OutboxDeletedOnPublish1764460800000, InboxPrunedByAge1764547200000] as const;
