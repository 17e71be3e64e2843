import { llm, voice } from '@livekit/agents';
import { Agent } from '@openrtc/nestjs';
import { z } from 'zod';
import { CallRecord } from '../calls/call-record.service.js';
import { attempt } from '../calls/tool-errors.js';
import { AppointmentRepository } from './appointment.repository.js';

const when = (date: Date) => date.toLocaleString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });

/** Books dental appointments through the clinic's AppointmentRepository. A fresh instance per call. */
@Agent({ name: 'dental' })
export class DentalAgent extends voice.Agent {
  constructor(appointments: AppointmentRepository, record: CallRecord) {
    super({
      instructions:
        'You are the receptionist of Harbor Dental. Find open slots with findOpenSlots, offer the earliest, ' +
        'and book with bookAppointment. Never give medical advice.',
      tools: {
        findOpenSlots: llm.tool({
          description: 'The earliest open appointment slots for a treatment.',
          parameters: z.object({ treatment: z.enum(['cleaning', 'checkup', 'filling']) }),
          execute: async ({ treatment }) => {
            const slots = appointments.findOpen(treatment, record.call.jobId);
            record.note(`offered ${slots.length} ${treatment} slot(s)`);
            return slots.length === 0 ? 'no open slots in the next two weeks' : slots.map((slot) => `${slot.id} (${when(slot.startsAt)})`).join('; ');
          },
        }),
        bookAppointment: llm.tool({
          description: 'Books one slot (an id from findOpenSlots) for the patient.',
          parameters: z.object({ slotId: z.string(), patientName: z.string() }),
          execute: async ({ slotId, patientName }) => {
            const slot = attempt(() => appointments.book(slotId, patientName));
            record.note(`booked ${slot.treatment} ${slot.id}`);
            return `${slot.treatment} on ${when(slot.startsAt)}`;
          },
        }),
      },
    });
  }
}
