import type { Message } from 'kafkajs';
import { encodeEvent, eventTypeSpec, partitionKeyOf, type EventMessage, type EventType } from '@crisis-ops/contracts';
import { uuidV7 } from '@crisis-ops/domain-kernel';
import { cloudEventHeaders } from './cloud-event';

/**
 * The Kafka record of a domain event exactly as the outbox relay writes it: topic, country key,
 * source and payload all from the contracts registry. For producers outside a service (tests,
 * benchmarks, replays), so none of them restates the wire format by hand.
 */
export function domainEventRecord<T extends EventType>(
  ceType: T,
  message: EventMessage<T>,
  attrs: { id?: string; time?: Date; subject?: string } = {},
): { topic: string; message: Message; id: string } {
  const spec = eventTypeSpec(ceType);
  const id = attrs.id ?? uuidV7();
  return {
    topic: spec.topic,
    id,
    message: {
      key: partitionKeyOf(ceType, message),
      value: Buffer.from(encodeEvent(ceType, message)),
      headers: cloudEventHeaders({ id, type: ceType, source: spec.source, time: attrs.time ?? new Date(), subject: attrs.subject }),
    },
  };
}
