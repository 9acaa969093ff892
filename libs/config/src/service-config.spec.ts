import { describe, expect, it } from 'vitest';
import { ConfigError, loadServiceConfig } from './index';

describe('service configuration', () => {
  it('boots with documented defaults on an empty environment', () => {
    const config = loadServiceConfig('mediation', 'mediation', 3002, {});
    expect(config.port).toBe(3002);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(config.database).toMatchObject({ port: 55432, name: 'crisis_ops', user: 'mediation_app', migratorUser: 'mediation_migrator' });
  });

  it('needs the database passwords in production, where the role names they default to are guessable', () => {
    let error: unknown;
    try {
      loadServiceConfig('mediation', 'mediation', 3002, { NODE_ENV: 'production', DATABASE_PASSWORD: 's3cret' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([{ variable: 'DATABASE_MIGRATOR_PASSWORD', reason: expect.stringContaining('NODE_ENV=production') }]);
    expect(loadServiceConfig('mediation', 'mediation', 3002, { NODE_ENV: 'production', DATABASE_PASSWORD: 'a', DATABASE_MIGRATOR_PASSWORD: 'b' }).database.password).toBe('a');
  });

  it('names a missing production password together with every other wrong variable, not alone', () => {
    let error: unknown;
    try {
      loadServiceConfig('mediation', 'mediation', 3002, { NODE_ENV: 'production', DATABASE_PASSWORD: 's3cret', PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['DATABASE_MIGRATOR_PASSWORD', 'PORT']);
  });

  it('names every wrong variable and the reason', () => {
    let error: unknown;
    try {
      loadServiceConfig('mediation', 'mediation', 3002, { PORT: 'eighty', KAFKA_BROKERS: 'kafka', MIGRATE_ON_BOOT: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('KAFKA_BROKERS: must be a comma-separated list of host:port');
    expect(message).toContain('MIGRATE_ON_BOOT: must be true or false');
    // Set, but no number: said so, not "not set".
    expect(message).toContain('PORT: must be a number, got "eighty"');
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['KAFKA_BROKERS', 'MIGRATE_ON_BOOT', 'PORT']);
  });

  it('refuses an inbox retention shorter than an event can stay on a topic, and runs the relay on its own thread by default', () => {
    expect(() => loadServiceConfig('x', 'x', 1, { INBOX_RETENTION_DAYS: '30' })).toThrow(/INBOX_RETENTION_DAYS: must be at least 38/);
    expect(loadServiceConfig('x', 'x', 1, {})).toMatchObject({ inboxRetentionDays: 45, outboxRelayThread: true });
    expect(loadServiceConfig('x', 'x', 1, { OUTBOX_RELAY_THREAD: 'false' }).outboxRelayThread).toBe(false);
  });

  it('splits a broker list', () => {
    expect(loadServiceConfig('x', 'x', 1, { KAFKA_BROKERS: 'a:1, b:2' }).kafkaBrokers).toEqual(['a:1', 'b:2']);
  });
});
