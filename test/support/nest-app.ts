import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { RecordingLogger } from './recording-logger.js';

export type Imports = Array<Type | DynamicModule | Promise<DynamicModule> | ForwardReference>;

/** Builds and initialises a real Nest application context (no HTTP platform) from fixture modules. */
export async function startApp(imports: Imports, logger = new RecordingLogger()): Promise<{ app: TestingModule; logger: RecordingLogger }> {
  const app = await Test.createTestingModule({ imports }).setLogger(logger).compile();
  await app.init();
  return { app, logger };
}

/**
 * The error that building or initialising an application throws (compile: option validation;
 * init: agent discovery). Fails the test when startup succeeds.
 */
export async function startupError(imports: Imports): Promise<Error> {
  let app: TestingModule | undefined;
  try {
    app = await Test.createTestingModule({ imports }).setLogger(new RecordingLogger()).compile();
    await app.init();
  } catch (error) {
    await app?.close().catch(() => undefined);
    return error as Error;
  }
  await app.close();
  throw new Error('Expected the application to fail at startup, but it started.');
}
