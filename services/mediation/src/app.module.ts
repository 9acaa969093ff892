import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPIC_RISK, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { CLOCK, systemClock } from '@crisis-ops/domain-kernel';
import { ServiceKitModule } from '@crisis-ops/service-kit';
import { CountryWatch } from './country-watch/country-watch.entity';
import { WatchSignalConsumer } from './country-watch/watch-signal.consumer';
import { CountryWatchController } from './country-watch/country-watch.controller';
import { MediationService } from './processes/mediation.service';
import { ProcessStore } from './processes/process.store';
import { ProcessesController, ProcessMetricsController } from './processes/processes.controller';
import { RiskConsumer } from './processes/risk.consumer';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, consumes: [TOPIC_SIGNALS, TOPIC_RISK] }), TypeOrmModule.forFeature([CountryWatch])],
      controllers: [WatchSignalConsumer, CountryWatchController, RiskConsumer, ProcessesController, ProcessMetricsController],
      providers: [{ provide: CLOCK, useValue: systemClock }, ProcessStore, MediationService],
    };
  }
}
