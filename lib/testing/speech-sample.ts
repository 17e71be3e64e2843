import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = 'assets/short-speech-16k.wav';

/**
 * The path of a 2 s speech recording (16 kHz mono PCM16) shipped with the package, for
 * `pool.simulateSession({ audio })`: one short caller turn the VAD hears as speech.
 * @publicApi
 */
export function speechSamplePath(): string {
  // The package root holds assets/: two folders up from the source, three from dist/{esm,cjs}/testing.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++, dir = dirname(dir)) {
    const candidate = join(dir, FILE);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${FILE} is missing from @openrtc/nestjs: reinstall the package.`);
}
