import { MessagingTables1764115200000 } from '@crisis-ops/messaging';

export const migrations = [MessagingTables1764115200000];
