import { OpenRtcConfigError } from '../errors/openrtc.errors.js';

export type PromClient = typeof import('prom-client');

/** prom-client is an optional peer: loaded only when metrics are asked for, with the fix named when it is missing. */
export async function loadPromClient(specifier = 'prom-client'): Promise<PromClient> {
  try {
    const loaded = (await import(specifier)) as PromClient & { default?: PromClient };
    return loaded.Counter ? loaded : loaded.default!;
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND' && (error as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw error;
    throw new OpenRtcConfigError(
      `OpenRtcModule option 'metrics' needs the package '${specifier}', which is not installed: run \`npm install ${specifier}\`, or remove the 'metrics' option.`,
      { cause: error },
    );
  }
}
