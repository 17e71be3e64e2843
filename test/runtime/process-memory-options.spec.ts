import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AgentPool } from '@openrtc/nestjs';
import { RecordingLogger } from '../support/recording-logger.js';
import { until } from '../support/until.js';

const APP = fileURLToPath(new URL('../fixtures/process-app/app.module.mjs', import.meta.url));

// Process isolation leaves the watermarks to upstream, per child: memoryWarnMB (here from its
// environment variable) becomes upstream's jobMemoryWarnMB, and upstream's warning about a child
// reaches the app's logger with the threshold in its fields.
describe('memoryWarnMB in process isolation', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    delete process.env.OPENRTC_MEMORY_WARN_MB;
    await app?.close();
  });

  it("is upstream's per-child jobMemoryWarnMB", async () => {
    process.env.OPENRTC_MEMORY_WARN_MB = '1';
    const { AppModule } = await import(APP);
    const logger = new RecordingLogger();
    app = await NestFactory.createApplicationContext(AppModule, { logger });
    await app.get(AgentPool).start({ connect: false });
    const warning = () => logger.entries.find((entry) => entry.context === 'LiveKit' && entry.level === 'warn' && entry.message.includes('memory usage is above the warning threshold'));
    await until(() => warning() !== undefined, 60_000, "upstream's memory warning about a child");
    expect(warning()!.fields).toEqual(expect.objectContaining({ memoryWarnMB: 1, memoryLimitMB: 0 }));
  });
});
