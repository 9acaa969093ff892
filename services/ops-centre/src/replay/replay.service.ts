import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { eventPayloadOf } from '../timeline/event-payload';
import { parseCloudEvent, rangesFrom, readRangesInTimeOrder } from '@crisis-ops/messaging';
import { traceIdOf } from '@crisis-ops/observability';
import { KAFKA } from '@crisis-ops/service-kit';
import { deskOf } from '../access/access-policy';
import { streamItemOf, type StreamItem } from '../stream/stream-item';
import { realSpeedDelayMs, type ReplayPlan } from './replay-plan';

export interface ReplaySink {
  /**
   * Offers one event: `sent` if the client got it, `skipped` if the client's filters or desk leave it
   * out (it does not count towards the limit), `closed` when the replay should stop (client gone).
   */
  event(item: StreamItem): 'sent' | 'skipped' | 'closed';
  /** The backlog of the client's connection; the replay waits while it is large. */
  backlog(): number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Historical events from a point in time. Each replay reads with its own kafkajs consumer in a
 * throwaway group (`ops-centre-replay-<uuid>`, deleted afterwards) positioned with the offsets Kafka
 * gives for the timestamp, so the live `ops-centre` group's offsets and members are never touched.
 * Events come merged across partitions and topics in publication (record timestamp) order, so a
 * replay shows an hour as it happened rather than country by country, and `speed=real` paces them
 * by that order. A replay ends at the log end offsets seen when it started, at its event limit, or
 * when the client disconnects.
 */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger('Replay');

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async run(plan: ReplayPlan, sink: ReplaySink, signal: AbortSignal): Promise<{ sent: number; reason: string }> {
    const admin = this.kafka.admin();
    let ranges;
    try {
      await admin.connect();
      ranges = await rangesFrom(admin, plan.topics, plan.from);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    let sent = 0;
    let previous: number | undefined;
    let reason = 'end';
    const ended = await readRangesInTimeOrder(
      this.kafka,
      ranges,
      'ops-centre-replay',
      async ({ topic, partition, message, heartbeat }) => {
        try {
          const event = parseCloudEvent(topic, partition, message);
          const payload = eventPayloadOf(event);
          const t = event.time.getTime();
          if (plan.speed === 'real') await sleep(realSpeedDelayMs(t, previous));
          previous = t;
          // Back-pressure: wait while the browser has not taken what it was sent.
          while (sink.backlog() > 500 && !signal.aborted) {
            await sleep(50);
            await heartbeat();
          }
          const offered = sink.event(streamItemOf({ ...event, traceId: traceIdOf(event.traceparent) ?? null }, payload, deskOf));
          if (offered === 'closed') {
            reason = 'client-closed';
            return false;
          }
          if (offered === 'sent') sent++;
        } catch (err) {
          this.logger.warn(`replay skips ${topic}:${partition}@${message.offset}: ${(err as Error).message}`);
        }
        if (sent >= plan.limit) {
          reason = 'limit';
          return false;
        }
        return true;
      },
      signal,
    );
    return { sent, reason: ended === 'aborted' ? 'client-closed' : reason };
  }
}
