import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { RiskQueries } from '../risk/risk-query.service';
import { ExportController } from './export.controller';

/** A response whose client has gone: its buffer is full, and it closes instead of draining. */
class GoneClient extends EventEmitter {
  destroyed = false;
  statusCode = 0;
  ended = false;
  setHeader(): void {
    // headers do not matter to a client that has gone
  }
  write(): boolean {
    setImmediate(() => {
      this.destroyed = true;
      this.emit('close');
    });
    return false;
  }
  end(): void {
    this.ended = true;
  }
}

describe('a CSV export whose client leaves', () => {
  it('ends instead of waiting for ever for a drain that cannot come', async () => {
    const areas = Array.from({ length: 12_000 }, (_, i) => ({ country: 'BFA', admin1: `Area ${i}`, level: 'low', score: 1 }));
    const risk = { allAreas: async () => areas } as unknown as RiskQueries;
    const res = new GoneClient();
    await new ExportController({} as DataSource, risk, false).riskCsv(undefined, undefined, res as unknown as ServerResponse);
    expect(res.ended).toBe(true);
  });
});

describe('a signals export while the database is out of reach', () => {
  it('fails before a status line or header is sent, so the edge answers 503 rather than a 200 with a header-only file', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
    const db = { query: async () => Promise.reject(refused) } as unknown as DataSource;
    const headers: string[] = [];
    const res = Object.assign(new GoneClient(), { setHeader: (name: string) => void headers.push(name) });
    await expect(new ExportController(db, {} as RiskQueries, false).signals({}, res as unknown as ServerResponse)).rejects.toBe(refused);
    expect(headers).toEqual([]);
    expect(res.ended).toBe(false);
  });
});

describe('a signals export of a code that names no country', () => {
  it('is refused before the database is asked, where it answered a header-only file', async () => {
    const db = { query: async () => Promise.reject(new Error('asked the database')) } as unknown as DataSource;
    const answer = (country: string, exercises: boolean) => new ExportController(db, {} as RiskQueries, exercises).signals({ country }, new GoneClient() as unknown as ServerResponse).then(() => undefined, (e: unknown) => e);
    expect(await answer('BKF', true)).toMatchObject({ response: { code: 'REQUEST.INVALID', errors: [{ field: 'country', reason: 'BKF is not an ISO 3166-1 country' }] } });
    expect(await answer('QQQ', false)).toMatchObject({ response: { errors: [{ field: 'country', reason: expect.stringContaining('QQQ is a user-assigned code') }] } });
    expect(await answer('QQQ', true)).toMatchObject({ message: 'asked the database' });
  });
});
