import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { OpenRtcModule } from '@openrtc/nestjs';
import { CallsModule } from './calls/calls.module.js';
import { voiceConfig, type VoiceConfig } from './config/voice.config.js';
import { DentalModule } from './dental/dental.module.js';
import { RestaurantModule } from './restaurant/restaurant.module.js';
import { VoiceModels } from './voice/voice-models.service.js';
import { VoiceModule } from './voice/voice.module.js';

/**
 * The root module: two `@Agent()` classes (restaurant, dental) served by one worker. Each agent's
 * greeting and models (`RESTAURANT_*`, `DENTAL_*`), and the LIVEKIT_* and OPENRTC_* settings, come from
 * the environment or `sample/.env` (read through ConfigService); CLI flags win.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, envFilePath: ['sample/.env', '.env'], load: [voiceConfig] }),
    OpenRtcModule.forRootAsync({
      imports: [VoiceModule],
      inject: [VoiceModels, voiceConfig.KEY],
      useFactory: (models: VoiceModels, voice: VoiceConfig) => ({
        // main.ts (or the openrtc CLI) starts the worker once the app is up; tests and the demo boot
        // this same module and start it without a server: pool.start({ connect: false }).
        autoStart: false,
        maxConcurrentSessions: 25,
        drainTimeout: 20,
        // isolation: 'process' boots this file in each session's child process (the CLI sets it too).
        appModule: { path: fileURLToPath(import.meta.url), exportName: 'AppModule' },
        // Laid over each @Agent() class's own settings, by agent name.
        agents: {
          restaurant: models.forAgent('restaurant', voice.restaurant),
          dental: models.forAgent('dental', voice.dental),
        },
      }),
    }),
    CallsModule,
    RestaurantModule,
    DentalModule,
  ],
})
export class AppModule {}
