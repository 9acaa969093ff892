import { describe, expect, it } from 'vitest';
import { KeptWork, minutesLeft, SESSION_WARNING_MS, sessionEnding, tokenExpiresAt, type KeptStorage } from '../../web/src/kept-work';

/** sessionStorage as a Map, and what it holds. */
function storage(): KeptStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
}

/** An unsigned JWT-shaped token with the given payload (the console reads, never verifies, it). */
const jwt = (payload: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe("the console's work kept across a session's end", () => {
  it('keeps each alert its own unsent text, field by field, until sent', () => {
    const kept = new KeptWork(storage());
    kept.keep('night', 'a1', 'comment', 'Handover: field office confirms');
    kept.keep('night', 'a1', 'assignee', 'day-officer');
    kept.keep('night', 'a2', 'reason', 'duplicate');
    expect(kept.draft('night', 'a1')).toEqual({ comment: 'Handover: field office confirms', assignee: 'day-officer' });
    expect(kept.draft('night', 'a2')).toEqual({ reason: 'duplicate' });
    kept.sent('night', 'a1', 'comment');
    expect(kept.draft('night', 'a1')).toEqual({ assignee: 'day-officer' });
  });

  it('keeps the alert that was open, and holds nothing once nothing is left to keep', () => {
    const s = storage();
    const kept = new KeptWork(s);
    kept.select('night', 'a1');
    kept.keep('night', 'a1', 'comment', 'note');
    expect(kept.selected('night')).toBe('a1');
    kept.keep('night', 'a1', 'comment', '');
    kept.select('night', null);
    expect(s.items.size).toBe(0);
  });

  it("never shows one officer's drafts to another signing in on the same tab, and forgets an officer who signed out", () => {
    const kept = new KeptWork(storage());
    kept.select('night', 'a1');
    kept.keep('night', 'a1', 'comment', 'note');
    expect(kept.selected('day')).toBeNull();
    expect(kept.draft('day', 'a1')).toEqual({});
    kept.forget('night');
    expect(kept.selected('night')).toBeNull();
    expect(kept.draft('night', 'a1')).toEqual({});
  });

  it('reads what another version wrote as nothing kept, rather than failing', () => {
    const s = storage();
    s.setItem('crisis-ops.kept.night', '{not json');
    expect(new KeptWork(s).draft('night', 'a1')).toEqual({});
  });
});

describe('when the console says the session is ending', () => {
  it("reads the token's exp, and nothing from what is no JWT or has no exp", () => {
    expect(tokenExpiresAt(jwt({ sub: 'night', exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
    expect(tokenExpiresAt(jwt({ sub: 'night' }))).toBeNull();
    expect(tokenExpiresAt('opaque-token')).toBeNull();
    expect(tokenExpiresAt('a.%%%.c')).toBeNull();
  });

  it('says so from a few minutes before the end, counting whole minutes up', () => {
    const end = 1_800_000_000_000;
    expect(sessionEnding(end, end - SESSION_WARNING_MS - 1)).toBe(false);
    expect(sessionEnding(end, end - SESSION_WARNING_MS)).toBe(true);
    expect(sessionEnding(null, end)).toBe(false);
    expect(minutesLeft(end, end - 61_000)).toBe(2);
    expect(minutesLeft(end, end - 1_000)).toBe(1);
    expect(minutesLeft(end, end + 1_000)).toBe(0);
  });
});
