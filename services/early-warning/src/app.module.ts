import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceConfig } from '@crisis-ops/config';
import { CLOCK, systemClock } from '@crisis-ops/domain-kernel';
import { ServiceKitModule } from '@crisis-ops/service-kit';
import { SignalRecord } from './signals/signal.entity';
import { RecordSignalController } from './signals/record-signal/record-signal.controller';
import { RecordSignalHandler } from './signals/record-signal/record-signal.handler';
import { ListSignalsController } from './signals/list-signals/list-signals.controller';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config }), TypeOrmModule.forFeature([SignalRecord])],
      controllers: [RecordSignalController, ListSignalsController],
      providers: [RecordSignalHandler, { provide: CLOCK, useValue: systemClock }],
    };
  }
}
