import { Injectable } from '@nestjs/common';

export type Treatment = 'cleaning' | 'checkup' | 'filling';

export interface AppointmentSlot {
  id: string;
  startsAt: Date;
  treatment: Treatment;
  patientName?: string;
}

/** The clinic's calendar (in memory here; a real app would use its database). */
@Injectable()
export class AppointmentRepository {
  private readonly slots: AppointmentSlot[] = [];
  /** Slots offered to a caller who has not decided yet: other callers are not offered them. */
  private readonly held = new Map<string, string>();

  constructor() {
    // Weekday slots for the next four weeks, from tomorrow.
    const day = new Date();
    day.setHours(0, 0, 0, 0);
    for (let offset = 1; offset <= 28; offset++) {
      const date = new Date(day.getTime() + offset * 86_400_000);
      if (date.getDay() === 0 || date.getDay() === 6) continue;
      for (const hour of [8, 9, 10, 11, 13, 14, 15, 16]) {
        const startsAt = new Date(date);
        startsAt.setHours(hour);
        this.slots.push({ id: `slot-${startsAt.toISOString().slice(0, 13)}`, startsAt, treatment: hour === 11 || hour === 16 ? 'checkup' : 'cleaning' });
      }
    }
  }

  /** The earliest open slots for a treatment, held for `caller` so concurrent callers are offered different ones. */
  findOpen(treatment: Treatment, caller: string, limit = 2): AppointmentSlot[] {
    const open = this.slots.filter((slot) => !slot.patientName && (this.held.get(slot.id) ?? caller) === caller && (slot.treatment === treatment || treatment === 'filling'));
    const offered = open.slice(0, limit);
    for (const slot of offered) this.held.set(slot.id, caller);
    return offered;
  }

  booked(): AppointmentSlot[] {
    return this.slots.filter((slot) => slot.patientName);
  }

  book(slotId: string, patientName: string): AppointmentSlot {
    const slot = this.slots.find((candidate) => candidate.id === slotId);
    if (!slot) throw new Error(`there is no slot ${slotId}`);
    if (slot.patientName) throw new Error(`slot ${slotId} was just taken`);
    slot.patientName = patientName;
    this.held.delete(slotId);
    return slot;
  }
}
