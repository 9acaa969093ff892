import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { ServiceKitModule } from '@crisis-ops/service-kit';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsService } from './alerts/alerts.service';
import { BoardController } from './read-model/board.controller';
import { ReplayController } from './replay/replay.controller';
import { ReplayService } from './replay/replay.service';
import { StreamController } from './stream/stream.controller';
import { StreamHub } from './stream/stream-hub';
import { OpenStreams } from './stream/open-streams';
import { StreamFanout } from './stream/stream-fanout';
import { StreamTokenModule } from './stream/stream-token.middleware';
import { SystemController } from './system/system.controller';
import { RedrivenLetters } from './system/redriven-letters';
import { SystemService } from './system/system.service';
import { SYSTEM_VIEW_KAFKA, systemViewKafka } from './system/view-reads';
import { TimelineEntry } from './timeline/timeline-entry.entity';
import { RecordEventConsumer } from './timeline/record-event.consumer';
import { TimelineController } from './timeline/timeline.controller';
import { WebStaticMiddleware } from './web/web-static.middleware';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [StreamTokenModule, ServiceKitModule.forRoot({ config, consumes: DOMAIN_TOPICS }), TypeOrmModule.forFeature([TimelineEntry])],
      controllers: [RecordEventConsumer, TimelineController, BoardController, AlertsController, StreamController, ReplayController, SystemController],
      providers: [
        StreamHub,
        OpenStreams,
        StreamFanout,
        AlertsService,
        ReplayService,
        SystemService,
        RedrivenLetters,
        { provide: SYSTEM_VIEW_KAFKA, useValue: systemViewKafka(config) },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(WebStaticMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.GET });
  }
}
