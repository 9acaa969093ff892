import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import { eventToJson } from '@crisis-ops/contracts';
import { parseCloudEvent } from '@crisis-ops/messaging';
import { traceIdOf } from '@crisis-ops/observability';
import { KAFKA } from '@crisis-ops/service-kit';
import { deskOf } from '../access/access-policy';
import { streamItemOf, type StreamItem } from '../stream/stream-item';
import { realSpeedDelayMs, type ReplayPlan } from './replay-plan';

export interface ReplaySink {
  /** Returns false when the replay should stop (client gone). */
  event(item: StreamItem): boolean;
  /** The backlog of the client's connection; the replay waits while it is large. */
  backlog(): number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Historical events from a point in time. Each replay reads with its own kafkajs consumer in a
 * throwaway group (`ops-centre-replay-<uuid>`, deleted afterwards) positioned with the offsets Kafka
 * gives for the timestamp, so the live `ops-centre` group's offsets and members are never touched.
 * A replay ends at the log end offsets seen when it started, at its event limit, or when the
 * client disconnects.
 */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger('Replay');

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async run(plan: ReplayPlan, sink: ReplaySink, signal: AbortSignal): Promise<{ sent: number; reason: string }> {
    const admin = this.kafka.admin();
    const groupId = `ops-centre-replay-${randomUUID()}`;
    let consumer: Consumer | undefined;
    try {
      await admin.connect();
      // Where each partition starts (first offset at/after `from`) and where it ends (now).
      const remaining = new Map<string, { start: number; end: number }>();
      for (const topic of plan.topics) {
        const [starts, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, plan.from.getTime()), admin.fetchTopicOffsets(topic)]);
        for (const e of ends) {
          const s = starts.find((x) => x.partition === e.partition);
          const start = s && Number(s.offset) >= 0 ? Number(s.offset) : Number(e.high);
          if (start < Number(e.high)) remaining.set(`${topic}:${e.partition}`, { start, end: Number(e.high) });
        }
      }
      if (!remaining.size || signal.aborted) return { sent: 0, reason: signal.aborted ? 'client-closed' : 'end' };

      consumer = this.kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
      await consumer.connect();
      await consumer.subscribe({ topics: plan.topics, fromBeginning: true });
      let sent = 0;
      let previous: number | undefined;
      let resolveDone!: (reason: string) => void;
      const done = new Promise<string>((r) => (resolveDone = r));
      signal.addEventListener('abort', () => resolveDone('client-closed'), { once: true });
      const c = consumer;
      await c.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const key = `${topic}:${partition}`;
          const bound = remaining.get(key);
          if (!bound || signal.aborted || Number(message.offset) < bound.start || Number(message.offset) >= bound.end) return;
          if (Number(message.offset) + 1 >= bound.end) remaining.delete(key);
          try {
            const event = parseCloudEvent(topic, partition, message);
            const payload = eventToJson(event.type, event.data) as Record<string, unknown>;
            const t = event.time.getTime();
            if (plan.speed === 'real') await sleep(realSpeedDelayMs(t, previous));
            previous = t;
            // Back-pressure: wait while the browser has not taken what it was sent.
            while (sink.backlog() > 500 && !signal.aborted) {
              await sleep(50);
              await heartbeat();
            }
            if (!sink.event(streamItemOf({ ...event, traceId: traceIdOf(event.traceparent) ?? null }, payload, deskOf))) return resolveDone('client-closed');
            sent++;
          } catch (err) {
            this.logger.warn(`replay skips ${key}@${message.offset}: ${(err as Error).message}`);
          }
          if (sent >= plan.limit) resolveDone('limit');
          else if (!remaining.size) resolveDone('end');
        },
      });
      // kafkajs has no assign(): seek each partition of the throwaway group to its start.
      for (const [key, { start }] of remaining) {
        const i = key.lastIndexOf(':');
        c.seek({ topic: key.slice(0, i), partition: Number(key.slice(i + 1)), offset: String(start) });
      }
      const reason = await done;
      return { sent, reason };
    } finally {
      await consumer?.disconnect().catch(() => undefined);
      if (consumer) await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }
}
