import { describe, expect, it } from 'vitest';
import { connectionFailureMessage, isPermanentConnectionError, variablesToCheck } from './connection-check';

const config = { host: 'db', port: 5432, name: 'crisis_ops', schema: 'mediation', user: 'mediation_app', password: 'x', migratorUser: 'mediation_migrator', migratorPassword: 'y', poolSize: 2 };
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('a database connection that failed', () => {
  it.each([
    ['28P01', 'a wrong password'],
    ['28000', 'a role refused'],
    ['3D000', 'an unknown database'],
  ])('given SQLSTATE %s (%s), then it is not retried', (code) => {
    expect(isPermanentConnectionError(pgError(code, 'refused'))).toBe(true);
  });

  it('given a database not up yet (refused, starting up, timed out), then it is retried', () => {
    expect(isPermanentConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPermanentConnectionError(pgError('57P03', 'the database system is starting up'))).toBe(false);
    expect(isPermanentConnectionError(new Error('Connection terminated due to connection timeout'))).toBe(false);
    expect(isPermanentConnectionError(undefined)).toBe(false);
  });

  it('given a wrong password of the app role, then one line names the role, the database and DATABASE_PASSWORD', () => {
    expect(connectionFailureMessage(pgError('28P01', 'password authentication failed for user "mediation_app"'), config, 'app')).toBe(
      'cannot connect as mediation_app@db:5432/crisis_ops: password authentication failed for user "mediation_app"; check DATABASE_PASSWORD (the password of DATABASE_USER)',
    );
  });

  it('given a refused role or an unknown database, then the variables named are the ones that pick them', () => {
    expect(variablesToCheck(pgError('28000', 'no pg_hba.conf entry'), 'app')).toBe('; check DATABASE_USER and DATABASE_PASSWORD');
    expect(variablesToCheck(pgError('28P01', 'password authentication failed'), 'migrator')).toBe('; check DATABASE_MIGRATOR_PASSWORD (the password of DATABASE_MIGRATOR_USER)');
    expect(variablesToCheck(pgError('3D000', 'database "nope" does not exist'), 'app')).toBe('; check DATABASE_NAME');
    expect(variablesToCheck(new Error('connect ECONNREFUSED'), 'app')).toBe('');
  });
});
