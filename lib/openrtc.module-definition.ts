import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OpenRtcModuleOptions } from './options/openrtc-options.interface.js';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: OPENRTC_MODULE_OPTIONS, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<OpenRtcModuleOptions>({ moduleName: 'OpenRtc' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createOpenRtcOptions')
    .setExtras({}, (definition) => ({ ...definition, global: true }))
    .build();
