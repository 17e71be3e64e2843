import { AudioFrame } from '@livekit/rtc-node';
import { CALL_SCRIPTS } from '../../sample/src/voice/scripted/call-scripts.js';
import { agentJobId, useCallers } from '../support/live/callers.js';
import { describeLive, uniqueRoom, useLiveServer } from '../support/live/live-server.js';
import { problems, startSampleWorker, type SampleWorker } from '../support/live/sample-worker.js';

// Issue #12 item 3: option roomAudio { sampleRate, frameSizeMs } (here through its environment
// variables) reaches rtc-node's AudioStream of the room input, which agents-js 1.9 opens without a
// frame size. In coroutine isolation the session runs in this process, so every audio frame rtc-node
// decodes here is the agent's input (the caller has its own process): they arrive as 40 ms at 16 kHz.
// The call still works: the agent hears the caller's turn and answers, and the caller hears it.
describeLive('live: room input at 16 kHz in 40 ms frames', () => {
  const server = useLiveServer();
  const call = useCallers();
  let worker: SampleWorker | undefined;
  const formats = new Map<string, number>();
  const fromOwnedInfo = AudioFrame.fromOwnedInfo;

  beforeAll(async () => {
    AudioFrame.fromOwnedInfo = function (this: typeof AudioFrame, ...args: Parameters<typeof fromOwnedInfo>) {
      const frame = fromOwnedInfo.apply(this, args);
      const key = `${frame.sampleRate}/${frame.samplesPerChannel}`;
      formats.set(key, (formats.get(key) ?? 0) + 1);
      return frame;
    };
    worker = await startSampleWorker(server(), 'coroutine', { OPENRTC_ROOM_SAMPLE_RATE: '16000', OPENRTC_ROOM_FRAME_MS: '40' });
  }, 120_000);
  afterAll(async () => {
    AudioFrame.fromOwnedInfo = fromOwnedInfo;
    await worker?.close();
  }, 60_000);

  it('the agent receives 16 kHz / 40 ms frames, hears the turn and answers', async () => {
    const caller = await call({ server: server(), room: uniqueRoom('restaurant') });
    const jobId = await agentJobId(caller);
    const ended = worker!.outcome(jobId);
    await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.includes('Harbor Bistro'));
    await caller.waitFor('agent-audio-end');
    const { endedAt } = await caller.speak();
    await caller.waitFor('transcription', (e) => e.speaker === 'caller' && e.text === CALL_SCRIPTS.restaurant!.callerLine, 60_000).catch((error) => {
      throw new Error(`${error.message}\nworker: ${problems(worker)}\nframes: ${JSON.stringify([...formats])}`);
    });
    const answer = await caller.waitFor('transcription', (e) => e.speaker === 'agent' && e.text.startsWith('All set:'), 60_000);
    expect(answer.text).toMatch(/^All set: .*See you tonight!$/);
    const heard = await caller.waitFor('agent-audio', (e) => e.at > endedAt, 60_000);
    expect(heard.rms).toBeGreaterThan(300);
    // 6+ s of the caller's audio went in: at 40 ms per frame that is well over 100 frames, and none at upstream's 24 kHz / 10 ms.
    expect(formats.get('16000/640') ?? 0).toBeGreaterThan(100);
    expect(formats.get('24000/240')).toBeUndefined();
    process.stdout.write(`[live 16 kHz / 40 ms] end of caller speech -> first agent audio: ${Math.round(heard.at - endedAt)} ms\n`);
    await caller.leave();
    expect(await ended).toMatchObject({ status: 'success' });
  }, 120_000);
});
