/**
 * The parts of a job routing reads: a LiveKit `Job` fits, and so does a plain object.
 * `metadata` may be a JSON object string or an object.
 * @publicApi
 */
export interface RoutingJob {
  id?: string;
  metadata?: string | Record<string, unknown>;
  room?: { name?: string; metadata?: string | Record<string, unknown> };
}

/** How the agent was chosen. @publicApi */
export type RouteSource = 'router' | 'job metadata' | 'room metadata' | 'room name prefix' | 'default';
