import './telemetry';
import 'reflect-metadata';
import { bootstrapService } from '@crisis-ops/service-kit';
import { SERVICE } from './service.definition';

void bootstrapService(SERVICE);
