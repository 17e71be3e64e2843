import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { OPENRTC_MODULE_OPTIONS } from '../openrtc.module-definition.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import { getCliOverrides } from './cli-overrides.js';
import type { OpenRtcModuleOptions } from './openrtc-options.interface.js';
import { environmentLabel, layerOptions, readEnvironmentOptions } from './options.environment.js';
import { resolveModuleOptions, validateOptionLayer } from './options.validation.js';

/** Environment reader: ConfigService when ConfigModule is loaded (so `.env` files count), else process.env. */
async function environmentReader(moduleRef: ModuleRef): Promise<(name: string) => string | undefined> {
  try {
    const { ConfigService } = await import('@nestjs/config');
    const config = moduleRef.get(ConfigService, { strict: false });
    return (name) => config.get<string>(name) ?? undefined;
  } catch {
    return (name) => process.env[name];
  }
}

/** Options in force: CLI flag > environment variable > forRoot() option > library default. */
export const resolvedOptionsProvider: Provider = {
  provide: OPENRTC_RESOLVED_OPTIONS,
  inject: [OPENRTC_MODULE_OPTIONS, ModuleRef],
  useFactory: async (options: OpenRtcModuleOptions, moduleRef: ModuleRef) => {
    validateOptionLayer(options);
    const environment = readEnvironmentOptions(await environmentReader(moduleRef));
    validateOptionLayer(environment, environmentLabel);
    return resolveModuleOptions(layerOptions(options, environment, getCliOverrides()));
  },
};
