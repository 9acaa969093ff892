import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { ServiceKitModule } from '@crisis-ops/service-kit';
import { TimelineEntry } from './timeline/timeline-entry.entity';
import { RecordEventConsumer } from './timeline/record-event.consumer';
import { TimelineController } from './timeline/timeline.controller';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, consumes: DOMAIN_TOPICS }), TypeOrmModule.forFeature([TimelineEntry])],
      controllers: [RecordEventConsumer, TimelineController],
    };
  }
}
