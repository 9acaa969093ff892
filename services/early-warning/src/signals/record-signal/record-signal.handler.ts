import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED } from '@crisis-ops/contracts';
import { CLOCK, ValidationFailed, type Clock } from '@crisis-ops/domain-kernel';
import { EventPublisher } from '@crisis-ops/service-kit';
import type { RecordSignalCommand } from './record-signal.command';

export interface RecordSignalResult {
  readonly id: string;
  /** `duplicate` when the same (source, id) was already recorded: nothing was applied twice. */
  readonly status: 'recorded' | 'duplicate';
}

/**
 * Records a signal and stages its SignalRecorded event in the same transaction: the signal is never
 * visible without its event, nor the event without the signal.
 */
@Injectable()
export class RecordSignalHandler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(cmd: RecordSignalCommand): Promise<RecordSignalResult> {
    const now = this.clock.now();
    const occurredAt = new Date(cmd.occurredAt);
    if (occurredAt.getTime() > now.getTime() + 5 * 60_000) {
      throw new ValidationFailed('EARLY_WARNING.SIGNAL_INVALID', [{ field: 'occurredAt', reason: 'lies in the future' }]);
    }
    return this.dataSource.transaction(async (m) => {
      const id = randomUUID();
      const inserted: Array<{ id: string }> = await m.query(
        `INSERT INTO signals (id, source, source_signal_id, country, admin1, location, type, occurred_at, reported_at, fatalities, severity, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (source, source_signal_id) WHERE source_signal_id IS NOT NULL DO NOTHING RETURNING id`,
        [id, cmd.source, cmd.id ?? null, cmd.country, cmd.admin1 ?? null, cmd.location ?? null, cmd.type, occurredAt, now, cmd.fatalities ?? 0, cmd.severity ?? null, cmd.notes ?? null],
      );
      if (inserted.length === 0) {
        const [existing]: Array<{ id: string }> = await m.query('SELECT id FROM signals WHERE source = $1 AND source_signal_id = $2', [cmd.source, cmd.id]);
        return { id: existing.id, status: 'duplicate' as const };
      }
      await this.events.stage(m, [
        {
          type: CE_SIGNAL_RECORDED,
          subject: id,
          time: now,
          data: {
            signalId: id,
            source: cmd.source,
            sourceSignalId: cmd.id,
            occurredAt: timestampFromDate(occurredAt),
            reportedAt: timestampFromDate(now),
            country: cmd.country,
            admin1: cmd.admin1 ?? '',
            location: cmd.location ?? '',
            type: cmd.type,
            fatalities: cmd.fatalities ?? 0,
            severity: cmd.severity ?? 0,
            notes: cmd.notes ?? '',
          },
        },
      ]);
      return { id, status: 'recorded' as const };
    });
  }
}
