import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Consumer } from 'kafkajs';

/**
 * Whether the service's Kafka consumer is still consuming. kafkajs gives up for good on an error it
 * does not retry (a bug in a handler's plumbing, an authorisation error), and Nest only notes it: the
 * process stayed up and ready, its partitions consumed by nobody. Readiness says so instead, so the
 * orchestrator restarts the replica.
 */
@Injectable()
export class ConsumerHealthIndicator implements BeforeApplicationShutdown {
  private problem?: string;
  private watched = false;
  private closing = false;

  constructor(private readonly indicators: HealthIndicatorService) {}

  /** Follows the consumer's crash and stop events; called once the consumer runs. */
  watch(consumer: Consumer): void {
    this.watched = true;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.problem = `the consumer stopped after an error it does not retry: ${payload.error.message}`;
    });
    consumer.on(consumer.events.STOP, () => {
      if (!this.closing) this.problem ??= 'the consumer stopped';
    });
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  check(key: string) {
    const indicator = this.indicators.check(key);
    if (!this.watched) return indicator.up({ consuming: false });
    return this.problem ? indicator.down({ message: this.problem }) : indicator.up({ consuming: true });
  }
}
