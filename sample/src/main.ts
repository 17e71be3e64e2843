import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AgentPool } from '@openrtc/nestjs';
import { AppModule } from './app.module.js';

/**
 * Runs the sample without the CLI: `node dist-sample/sample/src/main.js` (LIVEKIT_URL, LIVEKIT_API_KEY
 * and LIVEKIT_API_SECRET set). `npm run sample:start` runs the same app through `openrtc start`.
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule);
  // SIGTERM/SIGINT: OpenRTC drains running calls (up to drainTimeout), then closes the worker.
  app.enableShutdownHooks();
  const pool = app.get(AgentPool);
  await pool.start();
  new Logger('Sample').log(`Serving ${pool.list().map((agent) => agent.name).join(', ')}.`);
}

bootstrap().catch((error: Error) => {
  new Logger('Sample').error(error.message);
  process.exit(1);
});
