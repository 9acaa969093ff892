import { describe, expect, it } from 'vitest';
import { RiskLevel, TOPIC_RISK } from '@crisis-ops/contracts';
import { openSse } from '../../test/sse-client';
import { tokenExpiredAgo, useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishEscalation } from '../../test/events';

/**
 * /replay on real Kafka and Postgres, where ops-centre.int-spec.ts does not already cover it: how a
 * replay ends when its token does.
 */
describe('a replay', () => {
  const h = useOpsCentre('ops-centre-replay-int-producer');

  it('ends when its token expires, as a stream does, rather than replaying for as long as it lasts', async () => {
    const country = await freshTestCountry();
    const from = new Date(Date.now() - 1_000);
    // Five events 5 s apart in event time: at real speed, 20 s of replay, well past the token's end.
    const first = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) await publishEscalation(h.producer, { country, level: RiskLevel.ELEVATED, at: new Date(first + i * 5_000) });
    // Expired 24 s ago: accepted for the verifier's 30 s of clock tolerance, so for about 6 s more.
    // Global: the test's country is of no regional desk.
    const token = await tokenExpiredAgo(24, { roles: ['global-watch-officer'], region: null });
    const opened = Date.now();
    const replay = await openSse(`${h.base}/replay?topics=${TOPIC_RISK}&from=${from.toISOString()}&speed=real&country=${country}&access_token=${token}`);
    h.streams.push(replay);
    expect(replay.status).toBe(200);
    const expired = await replay.waitFor((m) => m.event === 'expired' || m.event === 'end', 25_000);
    expect(expired).toEqual({ event: 'expired', data: { message: 'the access token has expired; reconnect with a new one' } });
    await replay.ended;
    // Ended on time (6 s, with the replay's own pacing to spare), and nothing after `expired`: no event, no `end`.
    expect(Date.now() - opened).toBeLessThan(12_000);
    expect(replay.messages.at(-1)?.event).toBe('expired');
    expect(replay.messages.filter((m) => m.event === 'domain-event').length).toBeLessThan(5);
  });
});
