// Jest runs each test file in its own vm realm, so a Float32Array made there is not the
// Float32Array that onnxruntime-node checks tensors against, and Silero VAD rejects every window.
// Hand the outer realm's typed-array constructors to the test realm, and its TypeError: Node's
// web streams throw outer-realm TypeErrors that @livekit/agents recognises with `instanceof`.
const { TestEnvironment } = require('jest-environment-node');

class OnnxFriendlyEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer', 'TypeError']) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = OnnxFriendlyEnvironment;
