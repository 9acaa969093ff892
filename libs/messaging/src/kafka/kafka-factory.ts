import { Admin, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';

export interface KafkaConnection {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /**
   * For a command-line tool, which says what failed in one line of its own: no kafkajs log lines,
   * and an unreachable broker given up on after a few seconds rather than a minute of retries.
   */
  readonly commandLine?: boolean;
}

export function createKafka({ clientId, brokers, commandLine = false }: KafkaConnection): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: commandLine ? logLevel.NOTHING : logLevel.WARN,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 300, retries: commandLine ? 2 : 8 },
  });
}

/**
 * A client for reads in the background that are given up on after `timeoutMs` (consumer lag): its
 * requests time out then too and are not retried (a read that fails is read again on the next
 * turn), so a read given up on lets go of its connection within that time, and opens no other.
 * kafkajs's own defaults (30 s per request, then retries) kept a read nobody waited for any more on
 * the broker for minutes, and disconnecting does not cut that short: a connection waits for its
 * requests in flight before it closes.
 */
export function createBoundedKafka({ clientId, brokers }: KafkaConnection, timeoutMs: number): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    connectionTimeout: Math.min(3_000, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
}

/**
 * Idempotent with one request in flight: retries can neither duplicate nor reorder records within a
 * partition, which is what keeps one country's events in order.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  // The Java client's murmur2 partitioner, named explicitly: keys land where Java producers put them.
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/** Lag of a consumer group per partition: log-end offset minus committed offset. */
export async function consumerGroupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const c = partitions.find((p) => p.partition === end.partition);
      const committedOffset = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(end.low);
      lags.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - committedOffset) });
    }
  }
  return lags;
}

/**
 * consumerGroupLag for a read in the background, with an admin client of its own (of a
 * createBoundedKafka client), connected for this read and disconnected after it, or as soon as
 * `signal` aborts (the read given up on): the read then rejects at once, and its connection closes
 * once its request in flight times out. On the service's shared admin, a read given up on went on
 * waiting on a broker that did not answer (kafkajs's 30 s request timeout, then its retries), holding
 * a connection and a request for minutes after nobody wanted its answer.
 */
export async function readConsumerGroupLag(kafka: Kafka, groupId: string, topics: readonly string[], signal?: AbortSignal): Promise<PartitionLag[]> {
  signal?.throwIfAborted();
  const admin = kafka.admin();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      void admin.disconnect().catch(() => undefined);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('consumer lag read given up on'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  // The topics' metadata first: with no retries (createBoundedKafka), the group coordinator is
  // looked up among the brokers it names, which kafkajs otherwise learns by failing once and retrying.
  const work = admin
    .connect()
    .then(() => admin.fetchTopicMetadata({ topics: [...topics] }))
    .then(() => consumerGroupLag(admin, groupId, topics));
  // Closed again once the work has settled: a connect that completed after the abort's disconnect
  // would otherwise stay open.
  const closed = work.then(
    () => admin.disconnect().catch(() => undefined),
    () => admin.disconnect().catch(() => undefined),
  );
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (!signal?.aborted) await closed;
  }
}
