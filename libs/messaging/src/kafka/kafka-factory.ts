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
