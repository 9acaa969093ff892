import { describe, expect, it } from 'vitest';
import { decodeAlertCursor, decodeAuditCursor, encodeAlertCursor, encodeAuditCursor } from './alert-cursor';

const b64 = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
const alert = { standing: false, level: 4, openedAt: '2026-11-01T09:00:00.123456Z', id: '0f8fad5b-d9cb-469f-a165-70867728950e' };
const audit = { id: '9223372036854775807' };

describe('alert and audit cursors', () => {
  it('read back what they wrote, microseconds and a bigint id whole', () => {
    expect(decodeAlertCursor(encodeAlertCursor(alert))).toEqual(alert);
    expect(decodeAuditCursor(encodeAuditCursor(audit))).toEqual(audit);
  });

  it("refuse one another's cursor", () => {
    expect(decodeAuditCursor(encodeAlertCursor(alert))).toBeUndefined();
    expect(decodeAlertCursor(encodeAuditCursor(audit))).toBeUndefined();
  });

  it('refuse what Postgres would fail on, or no cursor of theirs', () => {
    for (const c of ['', ' ', 'not base64!', b64({}), b64(['a1', 1, 3, alert.openedAt]), b64(['a0', 1, 3, alert.openedAt, alert.id])]) expect(decodeAlertCursor(c)).toBeUndefined();
    expect(decodeAlertCursor(b64(['a1', 2, 3, alert.openedAt, alert.id]))).toBeUndefined();
    expect(decodeAlertCursor(b64(['a1', 1, 3.5, alert.openedAt, alert.id]))).toBeUndefined();
    expect(decodeAlertCursor(b64(['a1', 1, 3, '2026-02-30T09:00:00.000000Z', alert.id]))).toBeUndefined();
    expect(decodeAlertCursor(b64(['a1', 1, 3, alert.openedAt, 'not-a-uuid']))).toBeUndefined();
    expect(decodeAuditCursor(b64(['u2', '9223372036854775808']))).toBeUndefined();
    expect(decodeAuditCursor(b64(['u2', 12]))).toBeUndefined();
    expect(decodeAuditCursor(b64(['u2', '0']))).toBeUndefined();
    // The first audit cursor (never released) also carried the entry's time.
    expect(decodeAuditCursor(b64(['u1', '2026-11-01T09:00:00.000001Z', audit.id]))).toBeUndefined();
    expect(decodeAuditCursor('x'.repeat(600))).toBeUndefined();
  });
});
