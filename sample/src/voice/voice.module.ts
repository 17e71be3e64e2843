import { Module } from '@nestjs/common';
import { VoiceModels } from './voice-models.service.js';

/** Turns the agents' voice settings into providers; the root module's OpenRtcModule.forRootAsync() imports it. */
@Module({ providers: [VoiceModels], exports: [VoiceModels] })
export class VoiceModule {}
