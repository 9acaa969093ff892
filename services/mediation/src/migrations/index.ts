import { messagingMigrations } from '@crisis-ops/messaging';
import { CreateCountryWatch1764115500000 } from './1764115500000-create-country-watch.migration';
import { CreateMediationProcesses1764201600000 } from './1764201600000-create-mediation-processes.migration';
import { CreateIdempotentRequests1764460800000 } from './1764460800000-create-idempotent-requests.migration';
import { WidenCountryWatchTallies1764806400000 } from './1764806400000-widen-country-watch-tallies.migration';
import { NumberSessionRoundsByHeldAt1764892800000 } from './1764892800000-number-session-rounds-by-held-at.migration';
import { CountryWatchAttributions1764979200000 } from './1764979200000-country-watch-attributions.migration';

export const migrations = [
  ...messagingMigrations,
  CreateCountryWatch1764115500000,
  CreateMediationProcesses1764201600000,
  CreateIdempotentRequests1764460800000,
  WidenCountryWatchTallies1764806400000,
  NumberSessionRoundsByHeldAt1764892800000,
  CountryWatchAttributions1764979200000,
];
