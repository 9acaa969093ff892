/*
 * How much one agreement holds. A comprehensive peace agreement runs to many provisions of up to
 * 10,000 characters each; what bounds the whole is the AgreementReached event that announces it,
 * which must fit the outbox's MAX_EVENT_BYTES (512 KiB, under Kafka's 1 MiB message). An agreement
 * over it was taken by the edge and then failed as it was staged (500), so it is refused as input,
 * naming the field. processes/contract-events.spec.ts checks the largest agreement these allow fits.
 */

/** Provisions one agreement lists at most. */
export const MAX_PROVISIONS = 100;
/** Signatories one agreement lists at most (parties, witnesses, guarantors). */
export const MAX_SIGNATORIES = 50;
/**
 * UTF-8 bytes the provisions' topics and texts come to together at most (400 KiB): with the largest
 * title and signatories (4 bytes a character) the event stays under 512 KiB.
 */
export const MAX_PROVISIONS_BYTES = 400 * 1024;

/** Bytes of `value` in UTF-8, as the event's protobuf carries it (a lone surrogate as U+FFFD, 3 bytes). */
function utf8Bytes(value: unknown): number {
  if (typeof value !== 'string') return 0;
  let n = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Why an agreement's provisions are more than one agreement holds, or undefined. Items' own faults are theirs. */
export function provisionsSizeProblem(provisions: unknown): string | undefined {
  if (!Array.isArray(provisions)) return undefined;
  if (provisions.length > MAX_PROVISIONS) return `must list at most ${MAX_PROVISIONS} provisions`;
  const bytes = provisions.reduce<number>((n, p: { topic?: unknown; text?: unknown } | null) => n + utf8Bytes(p?.topic) + utf8Bytes(p?.text), 0);
  return bytes > MAX_PROVISIONS_BYTES
    ? `topics and texts come to ${bytes} bytes in UTF-8; one agreement holds at most ${MAX_PROVISIONS_BYTES} (record the rest as a further agreement)`
    : undefined;
}

/** Why an agreement's signatories are more than one agreement holds, or undefined. */
export const signatoriesSizeProblem = (signatories: unknown): string | undefined =>
  Array.isArray(signatories) && signatories.length > MAX_SIGNATORIES ? `must list at most ${MAX_SIGNATORIES} signatories` : undefined;
