import { MessagingTables1764115200000 } from '@crisis-ops/messaging';
import { CreateSignals1764115300000 } from './1764115300000-create-signals.migration';

export const migrations = [MessagingTables1764115200000, CreateSignals1764115300000];
