import { describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { isTooOldToRedrive, redrive, REDRIVE_HORIZON_DAYS, type DeadLetter } from './dead-letters';
import { MAX_SEND_BYTES } from '../outbox/outbox-relay';

const letter = (n: number, failedAt = new Date().toISOString(), bytes = 10_000): DeadLetter => ({
  at: { topic: 'things.dlq', partition: 0, offset: String(n) },
  originalTopic: 'things',
  key: Buffer.from('BFA'),
  value: Buffer.alloc(bytes, 1),
  headers: { ce_id: Buffer.from(`e-${n}`) },
  eventId: `e-${n}`,
  eventType: 't',
  consumer: 'c',
  errorCode: 'E',
  errorMessage: 'm',
  attempts: 4,
  failedAt,
});

describe('redriving dead letters', () => {
  it('sends a large backlog in sends the broker accepts (under 1 MiB per record batch), all of it, in order', async () => {
    const sends: number[][] = [];
    const producer = { send: async ({ messages }: { messages: Array<{ value: Buffer; headers: Record<string, unknown> }> }) => void sends.push(messages.map((m) => m.value.length)) } as unknown as Producer;
    const letters = Array.from({ length: 300 }, (_, i) => letter(i));
    expect(await redrive(producer, letters)).toBe(300);
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.flat()).toHaveLength(300);
    for (const send of sends) expect(send.reduce((a, b) => a + b, 0)).toBeLessThan(MAX_SEND_BYTES);
  });

  it(`holds back letters dead-lettered over ${REDRIVE_HORIZON_DAYS} days ago, which consumers may no longer remember`, () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(isTooOldToRedrive(letter(1, '2026-05-01T00:00:00Z'), now)).toBe(false);
    expect(isTooOldToRedrive(letter(2, '2026-04-01T00:00:00Z'), now)).toBe(true);
  });
});
