import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { EVENT_TYPES, encodeEventsData, EventSchema, EventType } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { appendToOutbox } from '@crisis-ops/messaging';
import { SERVICE_CONFIG } from '../tokens';

export interface PublishedEvent<T extends EventType> {
  readonly type: T;
  readonly data: MessageInitShape<EventSchema<T>>;
  /** CloudEvents subject: the aggregate the event is about (e.g. the signal or process id). */
  readonly subject?: string;
  readonly id?: string;
  readonly time?: Date;
}

/**
 * Stages domain events in the outbox of the caller's transaction. Topic, key and payload encoding
 * come from the contracts registry, so a service cannot publish an event to the wrong topic.
 */
@Injectable()
export class EventPublisher {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {}

  async stage<T extends EventType>(manager: EntityManager, events: ReadonlyArray<PublishedEvent<T>>): Promise<string[]> {
    const encoded = encodeEventsData(events);
    return appendToOutbox(
      manager,
      this.config.service,
      events.map((e, i) => {
        const { key, payload } = encoded[i];
        return {
          topic: EVENT_TYPES[e.type].topic,
          key,
          type: e.type,
          payload,
          subject: e.subject,
          id: e.id,
          time: e.time,
        };
      }),
    );
  }
}
