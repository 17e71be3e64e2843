// What a CommonJS app sees: `require('@openrtc/nestjs')` (the package's `require` export, through
// self-reference), a voice.Agent from require('@livekit/agents'), and a real Nest app context.
require('reflect-metadata');
const { voice } = require('@livekit/agents');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const api = require('@openrtc/nestjs');
const { loadedAgents, report } = require('./probe-report.cjs');

class FrontDeskAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You check guests in.' });
  }
}
api.Agent()(FrontDeskAgent);
class AppModule {}
Module({ imports: [api.OpenRtcModule.forRoot({ autoStart: false, turnDetection: 'vad' })], providers: [FrontDeskAgent] })(AppModule);

(async () => {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const pool = app.get(api.AgentPool);
  const agents = pool.list().map((agent) => agent.name);
  const loaded = loadedAgents();
  // Starting without a LiveKit server still prewarms, which loads the Silero plugin.
  await pool.start({ connect: false });
  const loadedAfterStart = loadedAgents();
  await app.close();
  report({ entry: require.resolve('@openrtc/nestjs'), names: Object.keys(api).sort(), agents, loaded, loadedAfterStart });
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
