/**
 * What the offline stand-ins say, per agent: the caller's line (the scripted STT "hears" it), the
 * tools the scripted LLM calls in order (each step sees the outputs of the steps before), and the
 * reply it builds from their outputs. The real LLM decides all of this from the conversation.
 */
export interface CallScript {
  callerLine: string;
  greeting: string;
  steps: Array<{ tool: string; args: (outputs: string[]) => Record<string, unknown> }>;
  reply: (outputs: string[]) => string;
}

export const CALL_SCRIPTS: Record<string, CallScript> = {
  restaurant: {
    callerLine: 'Hi, I would like to book a table for two tonight at eight.',
    greeting: 'Good evening, Harbor Bistro. Would you like to book a table?',
    steps: [{ tool: 'bookTable', args: () => ({ partySize: 2, time: '20:00', guestName: 'caller' }) }],
    reply: ([booking]) => `All set: ${booking}. See you tonight!`,
  },
  dental: {
    callerLine: 'Hi, I need a cleaning, as early as possible please.',
    greeting: 'Harbor Dental, how can I help you today?',
    steps: [
      { tool: 'findOpenSlots', args: () => ({ treatment: 'cleaning' }) },
      { tool: 'bookAppointment', args: ([slots]) => ({ slotId: firstSlotId(slots), patientName: 'caller' }) },
    ],
    reply: ([, booked]) => `You are booked: ${booked}.`,
  },
};

function firstSlotId(output: string | undefined): string {
  const match = /\b(slot-[\w-]+)/.exec(output ?? '');
  return match?.[1] ?? 'slot-unknown';
}
