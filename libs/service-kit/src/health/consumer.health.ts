import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Consumer } from 'kafkajs';

/**
 * Whether the service's Kafka consumer is consuming. kafkajs stops the consumer on every crash and
 * restarts it when the error is one it retries (a broker restart, the consumer's database out of
 * reach): the replica is not ready meanwhile, and ready again once the consumer has rejoined its
 * group. On an error it does not retry (a bug in a handler's plumbing, an authorisation error) it
 * gives up for good while the process stays up, its partitions consumed by nobody, and Nest only
 * notes it: then the replica is neither ready nor live, so the orchestrator restarts it.
 */
@Injectable()
export class ConsumerHealthIndicator implements BeforeApplicationShutdown {
  private pause?: string;
  private fatal?: string;
  private watched = false;
  private closing = false;

  constructor(private readonly indicators: HealthIndicatorService) {}

  /** Follows the consumer's stop, crash and group-join events; called once the consumer runs. */
  watch(consumer: Pick<Consumer, 'on' | 'events'>): void {
    this.watched = true;
    consumer.on(consumer.events.STOP, () => {
      if (!this.closing) this.pause ??= 'the consumer stopped';
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) this.pause = `the consumer is restarting after: ${payload.error.message}`;
      else this.fatal = `the consumer stopped for good after an error it does not retry: ${payload.error.message}`;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.pause = undefined;
    });
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  /** For readiness: consuming now. */
  check(key: string) {
    const indicator = this.indicators.check(key);
    if (!this.watched) return indicator.up({ consuming: false });
    const problem = this.fatal ?? this.pause;
    return problem ? indicator.down({ message: problem }) : indicator.up({ consuming: true });
  }

  /** For liveness: why the process should be restarted, if it should. */
  get givenUp(): string | undefined {
    return this.fatal;
  }
}
