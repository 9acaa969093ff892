import { KafkaContext, ServerKafka } from '@nestjs/microservices';
import { context } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { eventTypesOfTopic } from '@crisis-ops/contracts';
import { headersToStrings } from '@crisis-ops/messaging';
import { seedConsumerCounters, startEventSpan } from '@crisis-ops/observability';

/** `@EventPattern(topic, BATCH_HANDLER)`: the handler receives a KafkaBatchContext of many records. */
export const BATCH_HANDLER = { batch: true } as const;

/** Most records one batch handler call receives (one transaction's worth). */
export const MAX_BATCH_EVENTS = 1_000;

/**
 * The context of a batch handler: consecutive records of one partition, in offset order. It is also
 * a KafkaContext of the last record, so code written for one record still finds its bearings.
 */
export class KafkaBatchContext extends KafkaContext {
  constructor(
    private readonly messages: readonly KafkaMessage[],
    partition: number,
    topic: string,
    consumer: Consumer,
    heartbeat: () => Promise<void>,
    producer: Producer,
  ) {
    super([messages[messages.length - 1], partition, topic, consumer, heartbeat, producer]);
  }

  getMessages(): readonly KafkaMessage[] {
    return this.messages;
  }
}

/**
 * Nest's Kafka server, fed by kafkajs `eachBatch` instead of `eachMessage`. Handlers registered with
 * BATCH_HANDLER get up to MAX_BATCH_EVENTS records per call, so a consumer can apply them in one
 * transaction instead of one per record (the risk engine keeps up with imports that way); every other
 * handler still gets one record at a time through Nest's own path, inside a CONSUMER span that
 * continues the producer's trace (messaging spans are the platform's own, see telemetry.ts; batch
 * handlers get one per event from EventConsumer.consumeBatch). Offsets are resolved only after a
 * handler returns, and kafkajs is asked to heartbeat after every call.
 */
export class BatchingKafkaServer extends ServerKafka {
  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    // The consumer counters of every event type of each topic consumed, at 0 from boot (labelled as
    // EventConsumer counts them: service = the consumer group, which is the service's name).
    const service = this.options.consumer?.groupId;
    if (service) seedConsumerCounters(topics.flatMap((topic) => eventTypesOfTopic(topic).map((type) => ({ topic, type, service }))));
    if (topics.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics });
    await consumer.run({ ...(this.options.run ?? {}), eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, pause } = payload;
    const handler = this.getHandlerByPattern(batch.topic);
    const current = () => isRunning() && !isStale();
    if (handler?.extras?.['batch']) {
      for (let i = 0; i < batch.messages.length && current(); i += MAX_BATCH_EVENTS) {
        const chunk = batch.messages.slice(i, i + MAX_BATCH_EVENTS);
        const ctx = new KafkaBatchContext(chunk, batch.partition, batch.topic, this.consumer as Consumer, heartbeat, this.producer as Producer);
        await this.handleEvent(batch.topic, { pattern: batch.topic, data: undefined }, ctx);
        resolveOffset(chunk[chunk.length - 1].offset);
        await heartbeat();
      }
      return;
    }
    for (const message of batch.messages) {
      if (!current()) return;
      const span = startEventSpan(`process ${batch.topic}`, headersToStrings(message.headers), { 'messaging.system': 'kafka', 'messaging.destination.name': batch.topic });
      try {
        await context.with(span.context, () => this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause }));
        span.end();
      } catch (err) {
        span.end(err);
        throw err;
      }
      resolveOffset(message.offset);
      await heartbeat();
    }
  }
}
