import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { OpenRtcModule } from '@openrtc/nestjs';
import { CallsModule } from './calls/calls.module.js';
import { voiceConfig } from './config/voice.config.js';
import { DentalModule } from './dental/dental.module.js';
import { RestaurantModule } from './restaurant/restaurant.module.js';

/**
 * The root module: two agents (restaurant, dental) served by one worker. LIVEKIT_* and OPENRTC_*
 * settings come from the environment or `sample/.env` (read through ConfigService); CLI flags win.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, envFilePath: ['sample/.env', '.env'], load: [voiceConfig] }),
    OpenRtcModule.forRoot({
      // main.ts (or the openrtc CLI) starts the worker once the app is up; tests and the demo boot
      // this same module and start it without a server: pool.start({ connect: false }).
      autoStart: false,
      maxConcurrentSessions: 25,
      drainTimeout: 20,
      // isolation: 'process' boots this file in each session's child process (the CLI sets it too).
      appModule: { path: fileURLToPath(import.meta.url), exportName: 'AppModule' },
    }),
    CallsModule,
    RestaurantModule,
    DentalModule,
  ],
})
export class AppModule {}
