/** What a session knows about itself; inject it with `@InjectSession()`. @publicApi */
export interface OpenRtcSession {
  readonly jobId: string;
  readonly roomName: string;
  readonly agentName: string;
  /** The job's dispatch metadata, parsed (room metadata underneath, job metadata winning). */
  readonly metadata: Record<string, unknown>;
}
