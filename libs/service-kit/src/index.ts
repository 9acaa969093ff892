export * from './tokens';
export * from './service-kit.module';
export * from './bootstrap';
export * from './events/event-publisher';
export * from './events/event-consumer';
export * from './events/outbox-relay.service';
export * from './http/problem.filter';
export * from './http/validation';
