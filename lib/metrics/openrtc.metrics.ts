import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import { isProcessChild } from '../runtime/process/process-role.js';
import { WorkerRuntime } from '../runtime/worker.runtime.js';
import { OpenRtcMetricSet } from './openrtc-metric.set.js';
import { loadPromClient } from './prom-client.loader.js';

/** Default prefix of every metric name. */
export const DEFAULT_METRICS_PREFIX = 'openrtc_';

/**
 * With option `metrics`, registers the worker's Prometheus metrics (prom-client, an optional peer)
 * at module init, on the registry given or prom-client's default one (which `@willsoto/nestjs-prometheus`
 * serves), and takes them out again at shutdown.
 */
@Injectable()
export class OpenRtcMetrics implements OnModuleInit, OnApplicationShutdown {
  private detach?: () => void;

  constructor(
    private readonly runtime: WorkerRuntime,
    @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const { metrics } = this.options;
    // A process-isolation child serves one call; the worker that launched it counts it.
    if (!metrics || isProcessChild()) return;
    const settings = metrics === true ? {} : metrics;
    const client = await loadPromClient();
    const registry = (settings.registry as Registry | undefined) ?? client.register;
    const set = OpenRtcMetricSet.acquire(client, registry, settings.prefix ?? DEFAULT_METRICS_PREFIX);
    this.detach = set.attach({ runtime: this.runtime, maxConcurrentSessions: this.options.maxConcurrentSessions });
  }

  onApplicationShutdown(): void {
    this.detach?.();
    this.detach = undefined;
  }
}
