import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OpenRtcModuleOptions } from './options/openrtc-options.interface.js';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: OPENRTC_MODULE_OPTIONS, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<OpenRtcModuleOptions>({ moduleName: 'OpenRtc' })
    .setClassMethodName('forRoot')
    // useClass / useExisting providers implement OpenRtcOptionsFactory's method.
    .setFactoryMethodName('createOpenRtcOptions')
    .setExtras({}, (definition) => ({ ...definition, global: true }))
    .build();

/**
 * `OpenRtcModule.forRootAsync()`'s argument: `imports` (e.g. `[ConfigModule]`), then one of
 * `useFactory` + `inject`, `useClass` or `useExisting` (an `OpenRtcOptionsFactory`).
 * @publicApi
 */
export type OpenRtcModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
