import { Module } from '@nestjs/common';
import { BookingService } from './booking.service.js';
import { MenuService } from './menu.service.js';
import { RestaurantAgent } from './restaurant.agent.js';

/** The restaurant agent and its services. Its greeting and models come from configuration (app.module.ts). */
@Module({ providers: [MenuService, BookingService, RestaurantAgent] })
export class RestaurantModule {}
