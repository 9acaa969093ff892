import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'signals' })
export class SignalRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  source!: string;

  @Column('text', { name: 'source_signal_id', nullable: true })
  sourceSignalId!: string | null;

  @Column('char', { length: 3 })
  country!: string;

  @Column('text', { nullable: true })
  admin1!: string | null;

  @Column('text', { nullable: true })
  location!: string | null;

  @Column('text')
  type!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('timestamptz', { name: 'reported_at' })
  reportedAt!: Date;

  @Column('integer')
  fatalities!: number;

  @Column('smallint', { nullable: true })
  severity!: number | null;

  @Column('text', { nullable: true })
  notes!: string | null;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt!: Date;
}
