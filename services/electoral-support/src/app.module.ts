import { DynamicModule, Module } from '@nestjs/common';
import type { ServiceConfig } from '@crisis-ops/config';
import { ServiceKitModule } from '@crisis-ops/service-kit';

/** A thin service so far: platform plumbing only; its domain arrives with its own issue. */
@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot({ config })] };
  }
}
