import { describe, expect, it } from 'vitest';
import { isRefusedData, isStoreUnavailable } from './reliable-handler';

describe('database errors', () => {
  it("takes the database's refusals of the data itself as the file's fault, and outages and deadlocks as passing faults", () => {
    // As node-postgres throws them, and as TypeORM wraps them (QueryFailedError.driverError).
    expect(isRefusedData({ code: '22003', message: 'value "30000000000" is out of range for type integer' })).toBe(true);
    expect(isRefusedData({ driverError: { code: '23505' } })).toBe(true);
    expect(isRefusedData({ code: '54000', message: 'index row size exceeds btree maximum' })).toBe(true);
    for (const passing of [{ code: '57P01' }, { code: '40P01' }, { code: 'ECONNRESET' }, { code: 'EISDIR' }, new Error('connection terminated')]) {
      expect(isRefusedData(passing), JSON.stringify(passing)).toBe(false);
    }
    // Two views of one error chain: an outage is never the data's fault.
    expect(isStoreUnavailable({ driverError: { code: '57P01' } })).toBe(true);
    expect(isStoreUnavailable({ code: '22003' })).toBe(false);
  });
});
