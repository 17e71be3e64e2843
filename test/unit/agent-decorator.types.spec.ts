import 'reflect-metadata';
import { voice } from '@livekit/agents';
import { Agent } from '@openrtc/nestjs';

// `npm run typecheck` compiles this file: each @ts-expect-error must meet a type error, or the check fails.

@Agent({ name: 'typed' })
class TypedAgent extends voice.Agent {
  constructor() {
    super({ instructions: 'typed' });
  }
}

abstract class BaseAgent extends voice.Agent {}

@Agent({ name: 'derived' })
class DerivedAgent extends BaseAgent {
  constructor() {
    super({ instructions: 'derived' });
  }
}

// @ts-expect-error a plain class is not a voice.Agent
@Agent()
class NotAnAgent {
  instructions = 'not an agent';
}

class LookAlike {
  instructions = 'has a field named like voice.Agent\'s';
}
// @ts-expect-error a class that only looks like an agent is still not one
@Agent()
class LookAlikeAgent extends LookAlike {}

describe('@Agent() typing', () => {
  it('decorates voice.Agent subclasses (the compile-time checks are the @ts-expect-error lines above)', () => {
    expect(new TypedAgent()).toBeInstanceOf(voice.Agent);
    expect(new DerivedAgent()).toBeInstanceOf(voice.Agent);
    expect(new NotAnAgent()).not.toBeInstanceOf(voice.Agent);
    expect(new LookAlikeAgent()).not.toBeInstanceOf(voice.Agent);
  });
});
