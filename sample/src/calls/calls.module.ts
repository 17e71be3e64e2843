import { Global, Module } from '@nestjs/common';
import { CallRecord } from './call-record.service.js';

/** Per-call services every agent module may inject. */
@Global()
@Module({ providers: [CallRecord], exports: [CallRecord] })
export class CallsModule {}
