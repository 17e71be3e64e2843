import 'reflect-metadata';
import type { TestingModule } from '@nestjs/testing';
import { initializeLogger, JobProcess, llm, runWithJobContextAsync, voice } from '@livekit/agents';
import { AgentPool, AgentRoutingError, OpenRtcModule } from '@openrtc/nestjs';
import { prewarmSharedModels } from '../../lib/session/prewarm.js';
import { SessionEntrypoint, type StartedSession } from '../../lib/session/session.entrypoint.js';
import {
  ArchiveAgent, FrontDeskAgent, HotelAgentsModule, Visits, archiveLlm, bistroLlm, frontDeskLlm,
} from '../fixtures/session-entrypoint.fixture.js';
import { fakeJobContext, type FakeJobSpec } from '../support/fake-job.js';
import { startApp } from '../support/nest-app.js';
import type { RecordingLogger } from '../support/recording-logger.js';
import { UpstreamRejections } from '../support/upstream-rejections.js';

const assistantLines = (session: voice.AgentSession) =>
  session.history.items.filter((item): item is llm.ChatMessage => item.type === 'message' && item.role === 'assistant').map((item) => item.textContent);

describe('the session entrypoint, end to end on fake jobs (real AgentSession, real Silero VAD, scripted LLM)', () => {
  let app: TestingModule;
  let logger: RecordingLogger;
  let entrypoint: SessionEntrypoint;
  let proc: JobProcess;
  let rejections: UpstreamRejections;
  const sessions: StartedSession[] = [];

  beforeAll(async () => {
    // Upstream logs session noise at warn ("skipping user input, speech scheduling is paused").
    initializeLogger({ pretty: false, level: 'fatal' });
    rejections = new UpstreamRejections();
    ({ app, logger } = await startApp([OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad' }), HotelAgentsModule]));
    entrypoint = app.get(SessionEntrypoint);
    proc = new JobProcess();
    await prewarmSharedModels(proc, 'vad');
  });
  afterAll(async () => {
    await Promise.all(sessions.map((started) => started.session.close()));
    await app?.close();
    await rejections?.release();
  });

  async function run(spec: FakeJobSpec): Promise<StartedSession> {
    const { ctx } = fakeJobContext(proc, spec);
    const started = await runWithJobContextAsync(ctx, () => entrypoint.run(ctx));
    sessions.push(started);
    return started;
  }

  it('routes by metadata, runs the routed agent instance and generates its greeting', async () => {
    const started = await run({ id: 'AJ_front', roomName: 'bistro-1', metadata: '{"agent":"front-desk"}' });

    // Job metadata beats the room name prefix that names the bistro.
    expect(started.route).toEqual({ agent: app.get(AgentPool).get('front-desk'), via: 'job metadata' });
    expect(started.agent).toBeInstanceOf(FrontDeskAgent);
    expect(started.session.currentAgent).toBe(started.agent);
    expect(app.get(Visits).entered).toContainEqual({ agent: started.agent, call: { jobId: 'AJ_front', roomName: 'bistro-1', agentName: 'front-desk', metadata: { agent: 'front-desk' } } });

    expect(started.greeting).toBeInstanceOf(voice.SpeechHandle);
    await started.greeting!.waitForPlayout();
    expect(started.greeting!.interrupted).toBe(false);
    expect(assistantLines(started.session)).toEqual(['Good evening, front desk speaking.']);
    // The front desk's own LLM answered, with the greeting in its instructions; the bistro's was never asked.
    expect(frontDeskLlm.requests).toHaveLength(1);
    const system = frontDeskLlm.requests[0]!.items.find((item): item is llm.ChatMessage => item.type === 'message' && item.role === 'system');
    expect(system?.textContent).toContain('You check guests in.');
    expect(system?.textContent).toContain('Greet the guest at the front desk.');
    expect(bistroLlm.requests).toHaveLength(0);
    expect(logger.messages('log')).toContain("Resolved agent 'front-desk' via job metadata for job 'AJ_front'.");
  });

  it('an agent without a greeting starts and generates nothing', async () => {
    const started = await run({ id: 'AJ_archive', roomName: 'archive-3' });
    expect(started.route.via).toBe('room name prefix');
    expect(started.agent).toBeInstanceOf(ArchiveAgent);
    expect(started.greeting).toBeUndefined();
    // Its sessionOptions reach the AgentSession.
    expect(started.session.userData).toEqual({ shelf: 'B7' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(assistantLines(started.session)).toEqual([]);
    expect(archiveLlm.requests).toHaveLength(0);
  });

  it('a job that names an unknown agent fails with the routing error, logs the job id and builds no agent', async () => {
    const visitsBefore = app.get(Visits).entered.length;
    const { ctx } = fakeJobContext(proc, { id: 'AJ_lost', roomName: 'bistro-9', metadata: '{"agent":"spa"}' });
    const failure = runWithJobContextAsync(ctx, () => entrypoint.run(ctx));
    await expect(failure).rejects.toBeInstanceOf(AgentRoutingError);
    await expect(failure).rejects.toThrow(new AgentRoutingError("Unknown agent 'spa' requested via job metadata."));
    expect(logger.messages('error')).toContain("Session for job 'AJ_lost' (agent '(unrouted)') failed: Unknown agent 'spa' requested via job metadata.");
    expect(app.get(Visits).entered).toHaveLength(visitsBefore);
  });
});
