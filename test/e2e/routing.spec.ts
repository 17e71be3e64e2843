import 'reflect-metadata';
import type { TestingModule } from '@nestjs/testing';
import { Job } from '@livekit/protocol';
import { AgentPool, AgentRoutingError, OpenRtcModule, type RouteSource, type RoutingJob } from '@openrtc/nestjs';
import { RoutingModule, protocolJob } from '../fixtures/routing.fixture.js';
import { startApp } from '../support/nest-app.js';

type Case = [description: string, job: RoutingJob, agent: string, via: RouteSource];

// Every rule of the chain, in order: job metadata (agent, demo) -> room metadata (agent, demo) -> room name prefix -> default.
const CASES: Case[] = [
  ['job metadata agent, as JSON text', { metadata: '{"agent":"billing"}' }, 'billing', 'job metadata'],
  ['job metadata agent, as an object', { metadata: { agent: 'billing' } }, 'billing', 'job metadata'],
  ['job metadata demo', { metadata: '{"demo":"front"}' }, 'front', 'job metadata'],
  ['job metadata: agent beats demo', { metadata: { agent: 'billing', demo: 'front' } }, 'billing', 'job metadata'],
  ['job metadata: a blank agent falls to demo', { metadata: { agent: '  ', demo: 'front' } }, 'front', 'job metadata'],
  ['job metadata: a non-string agent falls to demo', { metadata: { agent: 7, demo: 'front' } }, 'front', 'job metadata'],
  ['job metadata name is trimmed', { metadata: '{"agent":" billing "}' }, 'billing', 'job metadata'],
  ['job metadata beats room metadata', { metadata: '{"agent":"billing"}', room: { metadata: '{"agent":"front"}' } }, 'billing', 'job metadata'],
  ['job metadata beats the room name', { metadata: '{"agent":"billing"}', room: { name: 'front-desk-1' } }, 'billing', 'job metadata'],
  ['room metadata agent, as JSON text', { room: { metadata: '{"agent":"front-desk"}' } }, 'front-desk', 'room metadata'],
  ['room metadata agent, as an object', { room: { metadata: { agent: 'front-desk' } } }, 'front-desk', 'room metadata'],
  ['room metadata demo', { room: { metadata: '{"demo":"billing"}' } }, 'billing', 'room metadata'],
  ['room metadata: agent beats demo', { room: { metadata: { demo: 'billing', agent: 'front' } } }, 'front', 'room metadata'],
  ['job metadata without a name defers to room metadata', { metadata: '{"tier":"gold"}', room: { metadata: '{"agent":"billing"}' } }, 'billing', 'room metadata'],
  ['room metadata beats the room name', { room: { name: 'front-2', metadata: '{"agent":"billing"}' } }, 'billing', 'room metadata'],
  ['room name prefix', { room: { name: 'billing-42' } }, 'billing', 'room name prefix'],
  ['room name prefix: the longest name wins', { room: { name: 'front-desk-7' } }, 'front-desk', 'room name prefix'],
  ['room name prefix: a shorter name still matches its own rooms', { room: { name: 'front-7' } }, 'front', 'room name prefix'],
  ['room name prefix: `front-desk` starts with `front-`', { room: { name: 'front-desk' } }, 'front', 'room name prefix'],
  ['room name equal to a name, without the dash: no prefix', { room: { name: 'billing' } }, 'restaurant', 'default'],
  ['room name with the name inside: no prefix', { room: { name: 'xbilling-1' } }, 'restaurant', 'default'],
  ['blank job metadata is ignored', { metadata: '   ', room: { name: 'billing-1' } }, 'billing', 'room name prefix'],
  ['non-JSON metadata is ignored', { metadata: 'agent=billing', room: { metadata: '{agent: billing}' } }, 'restaurant', 'default'],
  ['a JSON string is ignored', { metadata: '"billing"' }, 'restaurant', 'default'],
  ['a JSON number is ignored', { metadata: '42', room: { metadata: 'true' } }, 'restaurant', 'default'],
  ['JSON null is ignored', { metadata: 'null', room: { metadata: 'null' } }, 'restaurant', 'default'],
  ['a JSON array is ignored', { metadata: '["billing"]', room: { metadata: '[{"agent":"billing"}]' } }, 'restaurant', 'default'],
  ['an array is ignored', { metadata: ['billing'] as never }, 'restaurant', 'default'],
  ['nothing names an agent: the first registered', { id: 'AJ_1', room: { name: 'lobby' } }, 'restaurant', 'default'],
  ['an empty job: the first registered', {}, 'restaurant', 'default'],
];

// Routing of a name nobody registered is an error, never a fallback to the next rule.
const ERRORS: Array<[description: string, job: RoutingJob, message: string]> = [
  ['job metadata agent', { metadata: '{"agent":"spa"}' }, "Unknown agent 'spa' requested via job metadata."],
  ['job metadata demo', { metadata: { demo: 'spa' } }, "Unknown agent 'spa' requested via job metadata."],
  ['job metadata agent, even with a valid demo', { metadata: { agent: 'spa', demo: 'billing' } }, "Unknown agent 'spa' requested via job metadata."],
  ['job metadata, even with valid room metadata and room name', { metadata: '{"agent":"spa"}', room: { name: 'billing-1', metadata: '{"agent":"front"}' } },
    "Unknown agent 'spa' requested via job metadata."],
  ['room metadata agent', { room: { metadata: '{"agent":"spa"}' } }, "Unknown agent 'spa' requested via room metadata."],
  ['room metadata demo, even with a matching room name', { room: { name: 'billing-1', metadata: { demo: 'spa' } } }, "Unknown agent 'spa' requested via room metadata."],
  ['a case mismatch is another name', { metadata: '{"agent":"Billing"}' }, "Unknown agent 'Billing' requested via job metadata."],
];

describe('routing: the built-in chain, with its `via`', () => {
  let app: TestingModule;
  let pool: AgentPool;

  beforeAll(async () => {
    ({ app } = await startApp([OpenRtcModule.forRoot({ autoStart: false }), RoutingModule]));
    pool = app.get(AgentPool);
  });
  afterAll(async () => app?.close());

  it('registers the fixture in the order the fallback relies on', () => {
    expect(pool.list().map((agent) => agent.name)).toEqual(['restaurant', 'front', 'front-desk', 'billing']);
  });

  // A LiveKit Job carries metadata as text: protocolJob() serialises object metadata, which must route the same.
  describe.each([
    ['plain objects', (job: RoutingJob): RoutingJob => job],
    ['LiveKit Job messages', (job: RoutingJob): RoutingJob => protocolJob(job)],
  ])('with %s', (kind, toJob) => {
    it.each(CASES)('%s', async (_description, job, agent, via) => {
      const routed = toJob(job);
      expect(routed instanceof Job).toBe(kind !== 'plain objects');
      expect(await pool.resolve(routed)).toEqual({ agent: pool.get(agent), via });
    });

    it.each(ERRORS)('unknown agent via %s', async (_description, job, message) => {
      const failure = pool.resolve(toJob(job));
      await expect(failure).rejects.toBeInstanceOf(AgentRoutingError);
      await expect(failure).rejects.toThrow(new AgentRoutingError(message));
    });
  });
});
