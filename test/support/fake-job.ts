import { JobContext, JobProcess } from '@livekit/agents';
import { Job, JobType, Room as RoomInfo } from '@livekit/protocol';
import { Room } from '@livekit/rtc-node';

export interface FakeJobSpec {
  id?: string;
  roomName?: string;
  metadata?: string;
  roomMetadata?: string;
}

// @livekit/agents does not export the InferenceExecutor type; take it from the constructor.
type InferenceExecutor = ConstructorParameters<typeof JobContext>[5];

let counter = 0;

/** A JobContext for a job marked fake: `connect()` is a no-op, nothing reaches a LiveKit server. */
export function fakeJobContext(proc: JobProcess, spec: FakeJobSpec = {}, inferenceExecutor?: InferenceExecutor): { ctx: JobContext; shutdownReasons: string[] } {
  const id = spec.id ?? `AJ_test_${++counter}`;
  const job = new Job({
    id,
    type: JobType.JT_ROOM,
    metadata: spec.metadata ?? '',
    room: new RoomInfo({ name: spec.roomName ?? `room-${counter}`, sid: `RM_${id}`, metadata: spec.roomMetadata ?? '' }),
  });
  const shutdownReasons: string[] = [];
  const info = { acceptArguments: { name: '', identity: `agent-${id}`, metadata: '' }, job, url: '', token: '', workerId: 'W_test', fakeJob: true };
  const executor = inferenceExecutor ?? { doInference: async () => { throw new Error('no inference executor in this test'); } };
  const ctx = new JobContext(proc, info, new Room(), () => {}, (reason: string) => shutdownReasons.push(reason), executor);
  return { ctx, shutdownReasons };
}
