import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'timeline_entries' })
export class TimelineEntry {
  @PrimaryColumn('text', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'ce_type' })
  type!: string;

  @Column('text', { name: 'ce_source' })
  source!: string;

  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('char', { length: 3, nullable: true })
  country!: string | null;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('text')
  topic!: string;

  @Column('integer', { name: 'kafka_partition' })
  partition!: number;

  @Column('bigint', { name: 'kafka_offset' })
  offset!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @Column('text', { name: 'trace_id', nullable: true })
  traceId!: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;
}
