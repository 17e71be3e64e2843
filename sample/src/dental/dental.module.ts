import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AgentPool } from '@openrtc/nestjs';
import { voiceConfig, type VoiceConfig } from '../config/voice.config.js';
import { VoiceModels } from '../voice/voice-models.service.js';
import { AppointmentRepository } from './appointment.repository.js';
import { DentalAgent } from './dental.agent.js';

@Module({ providers: [AppointmentRepository, DentalAgent, VoiceModels] })
export class DentalModule implements OnModuleInit {
  constructor(
    private readonly pool: AgentPool,
    private readonly models: VoiceModels,
    @Inject(voiceConfig.KEY) private readonly voice: VoiceConfig,
  ) {}

  /** Registers the agent with its greeting and providers from configuration (`DENTAL_*`). */
  onModuleInit(): void {
    this.pool.add('dental', DentalAgent, this.models.forAgent('dental', this.voice.dental));
  }
}
