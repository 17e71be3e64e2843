import { AgentDispatchClient } from 'livekit-server-sdk';
import type { LiveKitServer } from '../../../scripts/livekit-server.mjs';

export interface RoomJob {
  id: string;
  workerId: string;
  participantIdentity: string;
}

/**
 * The jobs LiveKit made for a room's dispatches, as the server reports them (AgentDispatchService
 * ListDispatch): the job id and the worker it was assigned to. A room whose dispatch found no
 * worker has a dispatch with no jobs.
 */
export async function roomJobs(server: LiveKitServer, room: string): Promise<{ dispatches: number; jobs: RoomJob[] }> {
  const client = new AgentDispatchClient(server.httpUrl, server.apiKey, server.apiSecret);
  const dispatches = await client.listDispatch(room);
  const jobs = dispatches.flatMap((dispatch) => dispatch.state?.jobs ?? []);
  return {
    dispatches: dispatches.length,
    jobs: jobs.map((job) => ({ id: job.id, workerId: job.state?.workerId ?? '', participantIdentity: job.state?.participantIdentity ?? '' })),
  };
}

/** Waits until LiveKit reports a job for `room`, and returns it. */
export async function jobOf(server: LiveKitServer, room: string, timeoutMs = 60_000): Promise<RoomJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { jobs } = await roomJobs(server, room).catch(() => ({ jobs: [] as RoomJob[] }));
    if (jobs.length > 0) return jobs[0]!;
    if (Date.now() > deadline) throw new Error(`LiveKit reported no job for room '${room}' within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
