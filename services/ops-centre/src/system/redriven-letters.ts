import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DOMAIN_TOPICS, dlqTopicOf } from '@crisis-ops/contracts';
import { RedriveLedger, type KeptRange } from '@crisis-ops/messaging';
import { KAFKA } from '@crisis-ops/service-kit';

/**
 * Which dead letters were redriven (`npm run dlq -- redrive` records each on the redrives topic), read
 * by this replica from the start and kept up to date, so the system view can tell the letters still
 * to deal with from those sent back: the dead-letter topics keep both alike until their retention ends.
 * It reads the dead-letter topics' letters too (the time of each), to count apart those too old to
 * redrive: no redrive can send them, so they are no work waiting.
 */
@Injectable()
export class RedrivenLetters implements OnModuleInit, OnApplicationShutdown {
  private readonly ledger: RedriveLedger;

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.ledger = new RedriveLedger(kafka, 'ops-centre-redrives', undefined, DOMAIN_TOPICS.map(dlqTopicOf));
  }

  onModuleInit(): void {
    // Not awaited: the service boots without it; until it has read the topic, the view says it does not know.
    void this.ledger.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ledger.stop();
  }

  state(): ReturnType<RedriveLedger['state']> {
    return this.ledger.state();
  }

  redrivenOf(dlqTopic: string, kept: readonly KeptRange[]): number {
    return this.ledger.redrivenOf(dlqTopic, kept);
  }

  /** Letters kept, not redriven, and too old to redrive now. */
  tooOldOf(dlqTopic: string, kept: readonly KeptRange[]): number {
    return this.ledger.tooOldOf(dlqTopic, kept) ?? 0;
  }
}
