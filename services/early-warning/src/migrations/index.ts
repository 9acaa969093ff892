import { messagingMigrations } from '@crisis-ops/messaging';
import { CreateSignals1764115300000 } from './1764115300000-create-signals.migration';
import { IntakeRiskImports1764374400000 } from './1764374400000-intake-risk-imports.migration';
import { RiskEngineAreas1764374500000 } from './1764374500000-risk-engine-areas.migration';
import { RiskContext1764374600000 } from './1764374600000-risk-context.migration';
import { ImportJobsHeartbeat1764374700000 } from './1764374700000-import-jobs-heartbeat.migration';
import { ImportJobsShutdowns1764374800000 } from './1764374800000-import-jobs-shutdowns.migration';
import { AgreementLabelsWithoutTitles1764806400000 } from './1764806400000-agreement-labels-without-titles.migration';
import { RiskEnginesRequestNewsFrom1764806500000 } from './1764806500000-risk-engines-request-news-from.migration';
import { RiskEnginesRequestDays1764806600000 } from './1764806600000-risk-engines-request-days.migration';
import { RiskEnginesRequestColumnsSettled1764806700000 } from './1764806700000-risk-engines-request-columns-settled.migration';
import { RiskAssessmentsToldLate1764806800000 } from './1764806800000-risk-assessments-told-late.migration';
import { SourceAttributions1764806900000 } from './1764806900000-source-attributions.migration';
import { ImportJobsRegion1764807000000 } from './1764807000000-import-jobs-region.migration';
import { SourceCountries1764807100000 } from './1764807100000-source-countries.migration';

export const migrations = [...messagingMigrations, CreateSignals1764115300000, IntakeRiskImports1764374400000, RiskEngineAreas1764374500000, RiskContext1764374600000, ImportJobsHeartbeat1764374700000, ImportJobsShutdowns1764374800000, AgreementLabelsWithoutTitles1764806400000, RiskEnginesRequestNewsFrom1764806500000, RiskEnginesRequestDays1764806600000, RiskEnginesRequestColumnsSettled1764806700000, RiskAssessmentsToldLate1764806800000, SourceAttributions1764806900000, ImportJobsRegion1764807000000, SourceCountries1764807100000];
