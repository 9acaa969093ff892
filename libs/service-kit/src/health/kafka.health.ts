import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import { KAFKA_ADMIN } from '../tokens';

/** Kafka is ready when the cluster answers a metadata request within the timeout. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string, timeoutMs = 2_000) {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      const cluster = await Promise.race([
        this.admin.describeCluster(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return indicator.up({ brokers: cluster.brokers.length, controller: cluster.controller });
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
