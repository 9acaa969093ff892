import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '@crisis-ops/domain-kernel';
import { EventPublisher } from '@crisis-ops/service-kit';
import { SignalWriter } from './signal-writer';

export { SignalWriter, type IntakeItemResult, type IntakeOptions, type IntakeOrigin } from './signal-writer';

/**
 * The writer as a Nest provider. The decorators live only here so the import CLI (run by tsx, which
 * compiles services without decorator support) can use SignalWriter itself.
 */
@Injectable()
export class SignalIntake extends SignalWriter {
  constructor(@InjectDataSource() dataSource: DataSource, events: EventPublisher, @Inject(CLOCK) clock: Clock) {
    super(dataSource, events, clock);
  }
}
