export * from './cloud-event';
export * from './messaging-tables.migration';
export * from './outbox/outbox-writer';
export * from './outbox/outbox-relay';
export * from './inbox/apply-once';
export * from './consumer/reliable-handler';
export * from './kafka/kafka-factory';
export * from './domain-event-record';
