import { Injectable } from '@nestjs/common';

export interface TableBooking {
  id: string;
  partySize: number;
  time: string;
  guestName: string;
}

/** Table bookings (in memory here; one instance for the whole worker, shared by every call). */
@Injectable()
export class BookingService {
  static readonly TABLES_PER_SLOT = 12;
  private readonly bookings: TableBooking[] = [];
  private nextId = 1001;

  book(request: Omit<TableBooking, 'id'>): TableBooking {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(request.time)) throw new Error(`'${request.time}' is not a time like 20:00`);
    const taken = this.bookings.filter((booking) => booking.time === request.time).length;
    if (taken >= BookingService.TABLES_PER_SLOT) throw new Error(`no table left at ${request.time}`);
    const booking = { id: `R-${this.nextId++}`, ...request };
    this.bookings.push(booking);
    return booking;
  }

  all(): readonly TableBooking[] {
    return this.bookings;
  }
}
