import { Inject, Logger, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { OPENRTC_MODULE_OPTIONS } from '../openrtc.module-definition.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import { getCliDefaults, getCliOverrides } from './cli-overrides.js';
import type { OpenRtcModuleOptions } from './openrtc-options.interface.js';
import { environmentLabel, layerOptions, readEnvironmentOptions } from './options.environment.js';
import { resolveModuleOptions, validateOptionLayer } from './options.validation.js';

type EnvironmentReader = (name: string) => string | undefined;
const processEnvironment: EnvironmentReader = (name) => process.env[name];

/**
 * Environment reader: ConfigService when ConfigModule is loaded (so `.env` files and `load` factories
 * count), else process.env. Providers are instantiated concurrently, so `moduleRef.get()` can hand
 * back a ConfigService that does not exist yet; resolving it as a dependency makes Nest wait for it.
 */
async function environmentReader(moduleRef: ModuleRef): Promise<EnvironmentReader> {
  let ConfigService: typeof import('@nestjs/config').ConfigService;
  try {
    ({ ConfigService } = await import('@nestjs/config'));
    moduleRef.get(ConfigService, { strict: false });
  } catch {
    return processEnvironment; // @nestjs/config is not installed, or ConfigModule is not imported.
  }
  class ConfigReader {
    constructor(readonly config: InstanceType<typeof ConfigService>) {}
  }
  Inject(ConfigService)(ConfigReader, undefined, 0);
  let config: InstanceType<typeof ConfigService>;
  try {
    ({ config } = await moduleRef.create(ConfigReader));
  } catch (error) {
    if ((error as Error)?.constructor?.name !== 'UnknownDependenciesException') throw error;
    // Imported by some module but not global: OpenRtcModule cannot see it, and reading it anyway would depend on instantiation order.
    new Logger('OpenRTC').warn(
      'ConfigModule is imported but not global, so OpenRTC reads its environment variables from process.env only. ' +
        'Use ConfigModule.forRoot({ isGlobal: true }) for its `load` factories to count.',
    );
    return processEnvironment;
  }
  // ConfigModule merges `load` factories into the config from a sibling provider: let it settle first.
  await new Promise((resolve) => setImmediate(resolve));
  return (name) => {
    const value: unknown = config.get(name);
    // `load` factories and validation schemas may hand back numbers or booleans.
    return value === undefined || value === null ? undefined : String(value);
  };
}

/** Options in force: CLI flag > environment variable > forRoot() option > CLI command default > library default. */
export const resolvedOptionsProvider: Provider = {
  provide: OPENRTC_RESOLVED_OPTIONS,
  inject: [OPENRTC_MODULE_OPTIONS, ModuleRef],
  useFactory: async (options: OpenRtcModuleOptions, moduleRef: ModuleRef) => {
    validateOptionLayer(options);
    const environment = readEnvironmentOptions(await environmentReader(moduleRef));
    validateOptionLayer(environment, environmentLabel);
    return resolveModuleOptions(layerOptions(getCliDefaults(), options, environment, getCliOverrides()));
  },
};
