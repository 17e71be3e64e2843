// The Node twin of bench/python/openrtc_listener.py for the live benchmark's side-by-side with the
// Python OpenRTC: one listen-only agent (VAD, no STT/LLM/TTS, turn detection by VAD), coroutine
// isolation. Run by bench/suites/live.mjs through the `openrtc` CLI (`start --app <this file>`).
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { voice } from '@livekit/agents';
import { Agent, OpenRtcModule } from '@openrtc/nestjs';

export class ListenerAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'You listen.' });
  }
}
Agent({ name: 'listener' })(ListenerAgent);

export class AppModule {}
Module({
  imports: [OpenRtcModule.forRoot({ turnDetection: 'vad' })],
  providers: [ListenerAgent],
})(AppModule);
