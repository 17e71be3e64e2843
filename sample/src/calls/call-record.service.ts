import { Injectable, Logger, Scope } from '@nestjs/common';
import { InjectSession, type OpenRtcSession } from '@openrtc/nestjs';

/**
 * What happened in ONE call (request-scoped: OpenRTC makes each session the "request", so every
 * call gets its own record, shared by everything that call resolves). Tools note what they did.
 */
@Injectable({ scope: Scope.REQUEST })
export class CallRecord {
  private readonly logger = new Logger('Call');
  readonly notes: string[] = [];
  readonly startedAt = new Date();

  constructor(@InjectSession() readonly call: OpenRtcSession) {}

  note(text: string): void {
    this.notes.push(text);
    this.logger.log(`[${this.call.agentName} ${this.call.roomName}] ${text}`);
  }
}
