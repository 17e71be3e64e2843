import 'reflect-metadata';
import type { TestingModule } from '@nestjs/testing';
import { initializeLogger, JobProcess, runWithJobContextAsync } from '@livekit/agents';
import { AgentPool, OpenRtcModule, type OpenRtcSession } from '@openrtc/nestjs';
import { AgentInstanceFactory } from '../../lib/agents/agent-instance.factory.js';
import { prewarmSharedModels } from '../../lib/session/prewarm.js';
import { SessionEntrypoint, type StartedSession } from '../../lib/session/session.entrypoint.js';
import { CallAudit, CallNotes, Concierge, HotelSessionsModule, ReceptionAgent, SpaAgent } from '../fixtures/session-di.fixture.js';
import { fakeJobContext } from '../support/fake-job.js';
import { startApp } from '../support/nest-app.js';
import { UpstreamRejections } from '../support/upstream-rejections.js';

describe('DI per session: singleton, request-scoped services and @InjectSession()', () => {
  let app: TestingModule;
  let pool: AgentPool;

  beforeAll(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    ({ app } = await startApp([OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad' }), HotelSessionsModule]));
    pool = app.get(AgentPool);
  });
  afterAll(async () => app?.close());

  const call = (jobId: string, agentName = 'reception'): OpenRtcSession => ({ jobId, roomName: `room-${jobId}`, agentName, metadata: { jobId } });

  it('AgentInstanceFactory: concurrent sessions get their own agent and request-scoped services; singletons are shared', async () => {
    const factory = app.get(AgentInstanceFactory);
    const [a, b] = (await Promise.all([factory.create(pool.get('reception'), call('AJ_a')), factory.create(pool.get('reception'), call('AJ_b'))])) as ReceptionAgent[];
    expect(a).toBeInstanceOf(ReceptionAgent);
    expect(b).toBeInstanceOf(ReceptionAgent);
    expect(a).not.toBe(b);
    // Singleton.
    expect(a!.concierge).toBe(app.get(Concierge));
    expect(b!.concierge).toBe(a!.concierge);
    expect(Concierge.instances).toBe(1);
    // Request-scoped: one per session, shared inside the session.
    expect(a!.notes).toBeInstanceOf(CallNotes);
    expect(a!.notes).not.toBe(b!.notes);
    expect(a!.audit).toBeInstanceOf(CallAudit);
    expect(a!.audit.notes).toBe(a!.notes);
    expect(b!.audit.notes).toBe(b!.notes);
    // The session token, as given, for the agent and for services; REQUEST is the same object.
    expect(a!.call).toEqual(call('AJ_a'));
    expect(a!.notes.call).toBe(a!.call);
    expect(a!.audit.call).toBe(a!.call);
    expect(a!.request).toBe(a!.call);
    expect(b!.call.jobId).toBe('AJ_b');
    expect(b!.notes.call).toBe(b!.call);
  });

  it('AgentInstanceFactory: an agent provided under its own token (useClass) resolves per session', async () => {
    const factory = app.get(AgentInstanceFactory);
    const first = (await factory.create(pool.get('spa'), call('AJ_spa1', 'spa'))) as SpaAgent;
    const second = (await factory.create(pool.get('spa'), call('AJ_spa2', 'spa'))) as SpaAgent;
    expect(first).toBeInstanceOf(SpaAgent);
    expect(first).not.toBe(second);
    expect(first.notes.call.jobId).toBe('AJ_spa1');
    expect(second.notes.call.jobId).toBe('AJ_spa2');
  });

  describe('through the session entrypoint (fake jobs, real AgentSession)', () => {
    let proc: JobProcess;
    const started: StartedSession[] = [];
    let rejections: UpstreamRejections;

    beforeAll(async () => {
      rejections = new UpstreamRejections();
      proc = new JobProcess();
      await prewarmSharedModels(proc, 'vad');
    });
    afterAll(async () => {
      await Promise.all(started.map((s) => s.session.close()));
      await rejections.release();
    });

    it('two concurrent sessions never share an agent or a request-scoped service, and each sees its own session', async () => {
      const entrypoint = app.get(SessionEntrypoint);
      const jobs = [
        fakeJobContext(proc, { id: 'AJ_gold', roomName: 'lobby-1', metadata: '{"agent":"reception","tier":"gold"}', roomMetadata: '{"floor":3,"tier":"silver"}' }),
        fakeJobContext(proc, { id: 'AJ_plain', roomName: 'reception-7' }),
      ];
      started.push(...(await Promise.all(jobs.map(({ ctx }) => runWithJobContextAsync(ctx, () => entrypoint.run(ctx))))));
      const [gold, plain] = started.map((s) => s.agent as ReceptionAgent);

      expect(started.map((s) => s.route.via)).toEqual(['job metadata', 'room name prefix']);
      expect(gold).not.toBe(plain);
      expect(gold!.notes).not.toBe(plain!.notes);
      expect(gold!.audit.notes).toBe(gold!.notes);
      expect(plain!.audit.notes).toBe(plain!.notes);
      expect(gold!.concierge).toBe(plain!.concierge);
      // Job metadata wins over room metadata where both say something.
      expect(gold!.call).toEqual({ jobId: 'AJ_gold', roomName: 'lobby-1', agentName: 'reception', metadata: { floor: 3, tier: 'gold', agent: 'reception' } });
      expect(plain!.call).toEqual({ jobId: 'AJ_plain', roomName: 'reception-7', agentName: 'reception', metadata: {} });
      expect(gold!.audit.call).toBe(gold!.call);
      expect(Object.isFrozen(gold!.call)).toBe(true);
      // Each session runs the instance that DI built for it.
      expect(started.map((s) => s.session.currentAgent)).toEqual([gold, plain]);
      expect(gold!.concierge.entered).toEqual(expect.arrayContaining([gold, plain]));
    });
  });
});
