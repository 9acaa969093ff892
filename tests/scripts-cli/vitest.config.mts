import { projectConfig } from '../../vitest.shared.mts';

// The scripts of scripts/ run as a user runs them (tsx, real arguments) against the test Kafka and Postgres.
export default projectConfig(import.meta.dirname);
