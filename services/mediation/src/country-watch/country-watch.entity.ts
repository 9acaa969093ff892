import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** pg answers bigint as a string; a tally stays far below 2^53, so it is answered as a number. */
const tally: ValueTransformer = { to: (n: number) => n, from: (s: string | null) => (s === null ? null : Number(s)) };

@Entity({ name: 'country_watch' })
export class CountryWatch {
  @PrimaryColumn('char', { length: 3 })
  country!: string;

  @Column('bigint', { name: 'signals_seen', transformer: tally })
  signalsSeen!: number;

  @Column('bigint', { name: 'fatalities_seen', transformer: tally })
  fatalitiesSeen!: number;

  @Column('timestamptz', { name: 'last_signal_at' })
  lastSignalAt!: Date;

  @Column('text', { name: 'last_event_id' })
  lastEventId!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  /** What the signals tallied owe (their SignalRecorded attributions): each once, sorted; empty when nothing. */
  @Column('text', { array: true })
  attributions!: string[];
}
