import { Module } from '@nestjs/common';
import { AppointmentRepository } from './appointment.repository.js';
import { DentalAgent } from './dental.agent.js';

/** The dental agent and its repository. Its greeting and models come from configuration (app.module.ts). */
@Module({ providers: [AppointmentRepository, DentalAgent] })
export class DentalModule {}
