import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { voice } from '@livekit/agents';
import { Agent, AgentPool, OpenRtcModule, type OpenRtcModuleOptions, type OpenRtcOptionsFactory } from '@openrtc/nestjs';

@Agent({ name: 'desk' })
class DeskAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'desk' });
  }
}

@Injectable()
class VoiceOptions implements OpenRtcOptionsFactory {
  constructor(private readonly config: ConfigService) {}
  createOpenRtcOptions(): OpenRtcModuleOptions {
    return { autoStart: false, defaults: { llm: this.config.get<string>('DESK_LLM') } };
  }
}

@Module({ imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ DESK_LLM: 'openai/gpt-4.1-mini' })] })], providers: [VoiceOptions], exports: [VoiceOptions] })
class VoiceOptionsModule {}

async function deskLlm(openRtc: ReturnType<typeof OpenRtcModule.forRootAsync>): Promise<unknown> {
  const app = await Test.createTestingModule({ imports: [openRtc], providers: [DeskAgent] }).compile();
  await app.init();
  try {
    return app.get(AgentPool).get('desk').llm;
  } finally {
    await app.close();
  }
}

const config = ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ DESK_LLM: 'openai/gpt-4.1-mini' })] });

describe('OpenRtcModule.forRootAsync() the @nestjs/* ways', () => {
  it('useFactory + inject, with imports: [ConfigModule] as the README shows', async () => {
    const llm = await deskLlm(OpenRtcModule.forRootAsync({
      imports: [config],
      inject: [ConfigService],
      useFactory: (c: ConfigService) => ({ autoStart: false, defaults: { llm: c.get<string>('DESK_LLM') } }),
    }));
    expect(llm).toBe('openai/gpt-4.1-mini');
  });

  it('useClass: an OpenRtcOptionsFactory built with its own dependencies', async () => {
    expect(await deskLlm(OpenRtcModule.forRootAsync({ imports: [config], useClass: VoiceOptions }))).toBe('openai/gpt-4.1-mini');
  });

  it('useExisting: an OpenRtcOptionsFactory provider of an imported module', async () => {
    expect(await deskLlm(OpenRtcModule.forRootAsync({ imports: [VoiceOptionsModule], useExisting: VoiceOptions }))).toBe('openai/gpt-4.1-mini');
  });

  it('without imports, Nest names the options token it cannot build (the README says to import ConfigModule)', async () => {
    const build = Test.createTestingModule({
      imports: [OpenRtcModule.forRootAsync({ inject: [ConfigService], useFactory: () => ({ autoStart: false }) })],
      providers: [DeskAgent],
    }).compile();
    await expect(build).rejects.toThrow(/can't resolve dependencies of the OPEN_RTC_MODULE_OPTIONS \(\?\)/);
  });
});
