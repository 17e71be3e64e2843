import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSnapshot } from '../../lib/cli/commands/top.command.js';
import { startWorker, useWorkerHarness } from '../fixtures/worker-protocol.fixture.js';

// The snapshot `openrtc top` reads, from a worker registered through the dispatch double: it says
// registered, counts the offers refused (capacity, unroutable), and flips to draining.
describe('the runtime snapshot of a registered worker', () => {
  const h = useWorkerHarness();
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'openrtc-snapshot-'));
    process.env.OPENRTC_TOP_SOCKET = join(scratch, 'worker.sock');
  });
  afterEach(() => {
    delete process.env.OPENRTC_TOP_SOCKET;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reports registration, refused offers and the drain', async () => {
    h.worker = await startWorker(h.double, { maxConcurrentSessions: 1, drainTimeout: 1 });
    const socket = join(scratch, 'worker.sock');
    expect((await readSnapshot(socket)).worker).toEqual(expect.objectContaining({ registered: true, draining: false, offersRefused: 0, maxConcurrentSessions: 1 }));
    const unroutable = await h.double.offer({ roomName: 'call-1', metadata: '{"agent":"Dental"}' });
    const taken = await h.double.offer({ roomName: 'call-2', metadata: '{"agent":"bistro"}' });
    const full = await h.double.offer({ roomName: 'call-3', metadata: '{"agent":"bistro"}' });
    expect([unroutable.available, taken.available, full.available]).toEqual([false, true, false]);
    expect((await readSnapshot(socket)).worker).toEqual(expect.objectContaining({ registered: true, offersRefused: 2, load: 1 }));
    const drained = h.worker.pool.drain();
    expect((await readSnapshot(socket)).worker.draining).toBe(true);
    await drained;
  });
});
