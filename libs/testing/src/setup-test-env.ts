// Int and e2e suites talk to the test profile's broker and database: `npm test` exports where they
// are, and testInfra() defaults to that profile when it did not. The same defaults go into the
// environment here, before any test module is loaded, so that code reading the environment at load
// (early-warning's default upload directory, one per database) agrees with the config the suites
// pass in: run without them, an int suite's orphan sweep took the dev stack's directory for its own.
import { testInfra } from './test-infra';

if (process.env['VITEST_SUITE'] === 'int' || process.env['VITEST_SUITE'] === 'e2e') {
  const { kafkaBrokers, database } = testInfra();
  process.env['KAFKA_BROKERS'] ??= kafkaBrokers.join(',');
  process.env['DATABASE_HOST'] ??= database.host;
  process.env['DATABASE_PORT'] ??= String(database.port);
  process.env['DATABASE_NAME'] ??= database.name;
}
