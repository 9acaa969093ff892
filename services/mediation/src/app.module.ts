import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPIC_SIGNALS } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { ServiceKitModule } from '@crisis-ops/service-kit';
import { CountryWatch } from './country-watch/country-watch.entity';
import { WatchSignalConsumer } from './country-watch/watch-signal.consumer';
import { CountryWatchController } from './country-watch/country-watch.controller';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, consumes: [TOPIC_SIGNALS] }), TypeOrmModule.forFeature([CountryWatch])],
      controllers: [WatchSignalConsumer, CountryWatchController],
    };
  }
}
