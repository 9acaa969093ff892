/**
 * What an officer was doing when their session ended, kept across signing in again: the alert open
 * in the detail and what was typed into its forms and not yet sent. At a token's expiry the console
 * goes back to the sign-in page, which unmounts every pane: a night officer's half-written handover
 * note, and which alert it was on, were lost without a word.
 *
 * Kept in sessionStorage (this tab only, as the token is), under the officer's subject: what one
 * officer typed is never shown to another who signs in on the same tab. A draft is dropped once
 * sent, and everything kept once the officer signs out on purpose.
 */

/** The fields of an alert's detail whose text is kept until sent. */
export type DraftField = 'comment' | 'assignee' | 'reason';
export type Draft = Partial<Record<DraftField, string>>;

interface Kept {
  /** The alert open in the detail. */
  selected: string | null;
  /** Unsent text, by alert id. */
  drafts: Record<string, Draft>;
}

/** What the store needs of sessionStorage (a Map-backed one in tests; this file is also compiled without the DOM's types). */
export interface KeptStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = 'crisis-ops.kept.';

export class KeptWork {
  constructor(private readonly storage: KeptStorage) {}

  private read(subject: string): Kept {
    try {
      const v = JSON.parse(this.storage.getItem(PREFIX + subject) ?? 'null') as Partial<Kept> | null;
      return { selected: typeof v?.selected === 'string' ? v.selected : null, drafts: v?.drafts && typeof v.drafts === 'object' ? v.drafts : {} };
    } catch {
      // Unreadable (written by another version): nothing kept, rather than a console that fails to open.
      return { selected: null, drafts: {} };
    }
  }

  private write(subject: string, kept: Kept): void {
    if (kept.selected === null && !Object.keys(kept.drafts).length) this.storage.removeItem(PREFIX + subject);
    else this.storage.setItem(PREFIX + subject, JSON.stringify(kept));
  }

  selected(subject: string): string | null {
    return this.read(subject).selected;
  }

  select(subject: string, alertId: string | null): void {
    this.write(subject, { ...this.read(subject), selected: alertId });
  }

  draft(subject: string, alertId: string): Draft {
    return this.read(subject).drafts[alertId] ?? {};
  }

  /** Keeps `text` as the alert's unsent `field`; empty text keeps nothing. */
  keep(subject: string, alertId: string, field: DraftField, text: string): void {
    const kept = this.read(subject);
    const { [field]: _was, ...rest } = kept.drafts[alertId] ?? {};
    const draft: Draft = text ? { ...rest, [field]: text } : rest;
    if (Object.keys(draft).length) kept.drafts[alertId] = draft;
    else delete kept.drafts[alertId];
    this.write(subject, kept);
  }

  /** The field was sent: its text is no longer a draft. */
  sent(subject: string, alertId: string, field: DraftField): void {
    this.keep(subject, alertId, field, '');
  }

  /** The officer signed out on purpose: nothing of theirs is kept. */
  forget(subject: string): void {
    this.storage.removeItem(PREFIX + subject);
  }
}

/** The tab's kept work (the browser's sessionStorage: read when called, so a test under Node can import this file). */
export const keptWork = (): KeptWork => new KeptWork((globalThis as unknown as { sessionStorage: KeptStorage }).sessionStorage);

/** How long before a token's end the console says the session is ending. */
export const SESSION_WARNING_MS = 5 * 60_000;

/**
 * A JWT's `exp` as epoch milliseconds, read without verifying (the server does that): null for a
 * token that has none or is no JWT.
 */
export function tokenExpiresAt(token: string): number | null {
  try {
    const part = token.split('.')[1];
    if (!part) return null;
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Whole minutes left (at least 1 while any time is), for "in N minutes". */
export function minutesLeft(expiresAt: number, now: number): number {
  return Math.max(0, Math.ceil((expiresAt - now) / 60_000));
}

/** Whether the session's end is near enough to say so. */
export const sessionEnding = (expiresAt: number | null, now: number): boolean => expiresAt !== null && expiresAt - now <= SESSION_WARNING_MS;
