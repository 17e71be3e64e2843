// Types of scripts/livekit-server.mjs, for the TypeScript tests and demo that import it.
export declare const LIVEKIT_SERVER_VERSION: string;
export declare const LIVEKIT_SERVER_MODULE: string;
export declare const CACHE_DIR: string;
export declare const HOW_TO_GET_A_SERVER: string;
export declare class LiveKitServerUnavailableError extends Error {}

export interface ServerBinary {
  path: string;
  source: 'env' | 'path' | 'cache' | 'built';
  buildSeconds?: number;
}

export interface LiveKitServer {
  /** ws://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port>, for livekit-server-sdk's service clients */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  /** true: given by LIVEKIT_URL, not started here (stop() does nothing). */
  external: boolean;
  ports?: { http: number; tcp: number; udp: number };
  /** The watchdog process that owns the server. */
  pid?: number;
  /** Resolves once the server has exited. */
  exited?: Promise<{ code: number | null; signal: string | null }>;
  stop(): Promise<void>;
}

export declare function findServerBinary(env?: NodeJS.ProcessEnv): Omit<ServerBinary, 'buildSeconds'> | undefined;
export declare function ensureServerBinary(options?: { log?: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<ServerBinary>;
export declare function externalServer(env?: NodeJS.ProcessEnv): LiveKitServer | undefined;
export declare function isServerUp(httpUrl: string, timeoutMs?: number): Promise<boolean>;
export declare function startLiveKitServer(options?: {
  binary?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  onLog?: (line: string) => void;
  readyTimeoutMs?: number;
}): Promise<LiveKitServer>;
