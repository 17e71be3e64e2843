import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AgentPool } from '@openrtc/nestjs';
import { voiceConfig, type VoiceConfig } from '../config/voice.config.js';
import { VoiceModels } from '../voice/voice-models.service.js';
import { BookingService } from './booking.service.js';
import { MenuService } from './menu.service.js';
import { RestaurantAgent } from './restaurant.agent.js';

@Module({ providers: [MenuService, BookingService, RestaurantAgent, VoiceModels] })
export class RestaurantModule implements OnModuleInit {
  constructor(
    private readonly pool: AgentPool,
    private readonly models: VoiceModels,
    @Inject(voiceConfig.KEY) private readonly voice: VoiceConfig,
  ) {}

  /** Registers the agent with its greeting and providers from configuration (`RESTAURANT_*`). */
  onModuleInit(): void {
    this.pool.add('restaurant', RestaurantAgent, this.models.forAgent('restaurant', this.voice.restaurant));
  }
}
