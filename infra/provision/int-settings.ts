import { provisionSettingsFromEnv, type ProvisionSettings } from './provision-settings';

/**
 * Settings of the integration suites: the environment (`source .run/test/env.sh`) or, where a
 * variable is unset, the test profile's ports (as @crisis-ops/testing does), so a suite run
 * without the env file never touches the dev infrastructure of `npm start`.
 */
export const intSettings = (): ProvisionSettings =>
  provisionSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:19092', DATABASE_PORT: '55433', ...process.env });
