import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { OPENRTC_RESOLVED_OPTIONS } from '../openrtc.constants.js';
import type { ResolvedOpenRtcOptions } from '../options/openrtc-options.interface.js';
import { WorkerRuntime } from '../runtime/worker.runtime.js';
import { SESSION_EVENT_METADATA, type SessionEventKind } from './session-event.decorators.js';
import type { SessionEndOutcome, SessionEventInfo } from './session-event.interface.js';

/** Seconds a handler may run before it is logged as slow (option `sessionEventTimeout`). */
const DEFAULT_TIMEOUT_SECONDS = 5;
const DECORATOR: Record<SessionEventKind, string> = { start: '@OnSessionStart()', end: '@OnSessionEnd()', failed: '@OnSessionFailed()' };

interface Handler {
  kind: SessionEventKind;
  name: string;
  call: (...args: unknown[]) => unknown;
}

/**
 * Finds every `@OnSessionStart()` / `@OnSessionEnd()` / `@OnSessionFailed()` method of the app's
 * singleton providers and controllers at module init (as @nestjs/event-emitter finds `@OnEvent()`)
 * and calls them as the worker's sessions start and end, each behind its own isolation boundary.
 */
@Injectable()
export class SessionEventsExplorer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('OpenRTC');
  private readonly handlers: Handler[] = [];
  private readonly detach: Array<() => void> = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly runtime: WorkerRuntime,
    @Inject(OPENRTC_RESOLVED_OPTIONS) private readonly options: ResolvedOpenRtcOptions,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) this.explore(wrapper);
    if (this.handlers.length === 0) return;
    const { events } = this.runtime;
    const started = (session: SessionEventInfo) => this.dispatch('start', session);
    const ended = (session: SessionEventInfo, outcome: SessionEndOutcome) => {
      this.dispatch('end', session, outcome);
      if (outcome.status === 'failed') this.dispatch('failed', session, outcome);
    };
    events.on('sessionStarted', started);
    events.on('sessionEnded', ended);
    this.detach.push(() => events.off('sessionStarted', started), () => events.off('sessionEnded', ended));
  }

  onApplicationShutdown(): void {
    for (const detach of this.detach.splice(0)) detach();
  }

  private explore(wrapper: InstanceWrapper): void {
    if (wrapper.isAlias || !wrapper.metatype) return;
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const prototype = typeof wrapper.metatype === 'function' && !wrapper.inject ? wrapper.metatype.prototype : instance && Object.getPrototypeOf(instance);
    if (!prototype) return;
    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const kinds: SessionEventKind[] | undefined = Reflect.getMetadata(SESSION_EVENT_METADATA, prototype[method]);
      if (!kinds?.length) continue;
      const className = (wrapper.metatype as { name?: string }).name || String(wrapper.name);
      const name = `${className}#${method}`;
      if (!wrapper.isDependencyTreeStatic() || !instance) {
        // A request- or session-scoped provider has no instance to call outside its own context.
        this.logger.warn(
          `${DECORATOR[kinds[0]!]} on ${name} is ignored: ${className} is request- or session-scoped (or depends on such a provider), ` +
            'so there is no one instance to call. Put the handler on a singleton provider.',
        );
        continue;
      }
      const call = (instance[method] as (...args: unknown[]) => unknown).bind(instance);
      for (const kind of new Set(kinds)) this.handlers.push({ kind, name, call });
    }
  }

  private dispatch(kind: SessionEventKind, session: SessionEventInfo, outcome?: SessionEndOutcome): void {
    for (const handler of this.handlers) {
      if (handler.kind === kind) void this.invoke(handler, session, outcome);
    }
  }

  /** The isolation boundary: a throw or a slow handler is logged; the call and the worker go on. */
  private async invoke(handler: Handler, session: SessionEventInfo, outcome?: SessionEndOutcome): Promise<void> {
    const where = `${DECORATOR[handler.kind]} handler ${handler.name} (job '${session.jobId}', agent '${session.agentName ?? '(unrouted)'}')`;
    const seconds = this.options.sessionEventTimeout ?? DEFAULT_TIMEOUT_SECONDS;
    let timer: NodeJS.Timeout | undefined;
    try {
      const run = Promise.resolve().then(() => (outcome ? handler.call(session, outcome) : handler.call(session)));
      const slow = new Promise<'slow'>((resolve) => {
        timer = setTimeout(() => resolve('slow'), seconds * 1000);
        timer.unref();
      });
      if ((await Promise.race([run, slow])) === 'slow') {
        this.logger.warn(`${where} did not finish within ${seconds}s (OpenRtcModule option 'sessionEventTimeout'); it is left running, the call is not affected.`);
        run.catch((error) => this.logger.error(`${where} threw after its timeout: ${(error as Error)?.message ?? error}`, (error as Error)?.stack));
      }
    } catch (error) {
      this.logger.error(`${where} threw; the call is not affected: ${(error as Error)?.message ?? error}`, (error as Error)?.stack);
    } finally {
      clearTimeout(timer);
    }
  }
}
