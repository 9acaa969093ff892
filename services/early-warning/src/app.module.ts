import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPIC_MEDIATION, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { CLOCK, systemClock } from '@crisis-ops/domain-kernel';
import { ServiceKitModule } from '@crisis-ops/service-kit';
import { SignalRecord } from './signals/signal.entity';
import { RecordSignalController } from './signals/record-signal/record-signal.controller';
import { ListSignalsController } from './signals/list-signals/list-signals.controller';
import { SignalIntake } from './signals/intake/signal-intake.service';
import { EXERCISE_COUNTRIES, exerciseCountries } from './signals/intake/exercise-countries';
import { IMPORT_ALERT_DAYS, LiveRisk } from './risk/live-risk.service';
import { RiskSignalConsumer } from './risk/risk.consumer';
import { MediationContextConsumer } from './context/mediation-context.consumer';
import { AGREEMENT_CONTEXT, agreementContextParameters } from './context/agreement-context';
import { RiskQueries } from './risk/risk-query.service';
import { RiskQueryController } from './risk/risk-query.controller';
import { ExportController } from './exports/export.controller';
import { ImportJobs } from './imports/import-jobs.service';
import { ImportJobsController } from './imports/import-jobs.controller';
import { importAlertDays } from './early-warning-env';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, consumes: [TOPIC_SIGNALS, TOPIC_MEDIATION] }), TypeOrmModule.forFeature([SignalRecord])],
      controllers: [RecordSignalController, ListSignalsController, RiskSignalConsumer, MediationContextConsumer, RiskQueryController, ExportController, ImportJobsController],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        { provide: IMPORT_ALERT_DAYS, useFactory: () => importAlertDays() },
        { provide: AGREEMENT_CONTEXT, useFactory: () => agreementContextParameters() },
        { provide: EXERCISE_COUNTRIES, useFactory: () => exerciseCountries() },
        SignalIntake,
        LiveRisk,
        RiskQueries,
        ImportJobs,
      ],
    };
  }
}
