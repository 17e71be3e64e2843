// Agent for process-mode jobs in dispatch-double.spec. Plain .mjs because job children run plain
// `node`, which cannot load .ts. The entry reports what the job child received through a file
// named in the job metadata, then stays up (no ctx.connect(): there is no SFU) until terminated.
import { writeFileSync } from 'node:fs';
import { defineAgent } from '@livekit/agents';

export default defineAgent({
  entry: async (ctx) => {
    const { out } = JSON.parse(ctx.job.metadata);
    const { url, token, acceptArguments } = ctx.info;
    writeFileSync(out, JSON.stringify({ jobId: ctx.job.id, room: ctx.job.room?.name, url, token, identity: acceptArguments.identity, pid: process.pid }));
  },
});
