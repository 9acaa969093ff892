import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'country_watch' })
export class CountryWatch {
  @PrimaryColumn('char', { length: 3 })
  country!: string;

  @Column('integer', { name: 'signals_seen' })
  signalsSeen!: number;

  @Column('integer', { name: 'fatalities_seen' })
  fatalitiesSeen!: number;

  @Column('timestamptz', { name: 'last_signal_at' })
  lastSignalAt!: Date;

  @Column('text', { name: 'last_event_id' })
  lastEventId!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
