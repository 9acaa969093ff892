import { messagingMigrations } from '@crisis-ops/messaging';

export const migrations = [...messagingMigrations];
