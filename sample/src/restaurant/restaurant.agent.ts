import { llm, voice } from '@livekit/agents';
import { Agent } from '@openrtc/nestjs';
import { z } from 'zod';
import { CallRecord } from '../calls/call-record.service.js';
import { attempt } from '../calls/tool-errors.js';
import { BookingService } from './booking.service.js';
import { MenuService } from './menu.service.js';

/**
 * Takes table bookings. A fresh instance per call (`@Agent()` resolves it per session), so the tools
 * close over this call's CallRecord; MenuService and BookingService are the app's singletons: shared
 * by every call of a coroutine worker, and fresh for each call in process isolation (each call's
 * child process boots the app), so there a booking service sees only its own call's bookings.
 */
@Agent({ name: 'restaurant' })
export class RestaurantAgent extends voice.Agent {
  constructor(menu: MenuService, bookings: BookingService, record: CallRecord) {
    super({
      instructions:
        'You are the phone host of Harbor Bistro. Keep answers short and friendly. ' +
        `Tonight's menu: ${menu.summary()}. Book tables with the bookTable tool; confirm the booking number.`,
      tools: {
        getMenu: llm.tool({
          description: "Tonight's dishes with prices.",
          parameters: z.object({ vegetarian: z.boolean().optional().describe('only vegetarian dishes') }),
          execute: async ({ vegetarian }) => menu.list({ vegetarian }),
        }),
        bookTable: llm.tool({
          description: 'Books a table for tonight.',
          parameters: z.object({
            partySize: z.number().int().min(1).max(12),
            time: z.string().describe('24-hour time, e.g. 20:00'),
            guestName: z.string(),
          }),
          execute: async (request) => {
            // A ToolError's message goes back to the model (to tell the caller); other errors are bugs.
            const booking = attempt(() => bookings.book(request));
            record.note(`booked table ${booking.id} for ${booking.partySize} at ${booking.time}`);
            return `table for ${booking.partySize} at ${booking.time}, booking number ${booking.id}`;
          },
        }),
      },
    });
  }
}

