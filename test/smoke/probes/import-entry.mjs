// What an ESM app (Nest 12) sees: `import('@openrtc/nestjs')` (the package's `import` export, through
// self-reference), a voice.Agent from @livekit/agents, and a real Nest app context.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { voice } from '@livekit/agents';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const api = await import('@openrtc/nestjs');
const { loadedAgents, report } = createRequire(import.meta.url)('./probe-report.cjs');

class FrontDeskAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You check guests in.' });
  }
}
api.Agent()(FrontDeskAgent);
class AppModule {}
Module({ imports: [api.OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad' })], providers: [FrontDeskAgent] })(AppModule);

const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const pool = app.get(api.AgentPool);
const agents = pool.list().map((agent) => agent.name);
const loaded = loadedAgents();
// Starting without a LiveKit server still prewarms, which loads the Silero plugin.
await pool.start({ connect: false });
const loadedAfterStart = loadedAgents();
await app.close();
report({ entry: fileURLToPath(import.meta.resolve('@openrtc/nestjs')), names: Object.keys(api).sort(), agents, loaded, loadedAfterStart });
process.exit(0);
