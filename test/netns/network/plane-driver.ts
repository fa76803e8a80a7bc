// Runs the real LinuxNetworkPlane inside a network namespace for the netns tests:
//   ip netns exec NS node --import tsx test/netns/network/plane-driver.ts
// The netlink socket works in the namespace of the process that opens it, so the plane must live in a
// process started inside the namespace (as the controller does with --netns). Commands arrive as JSON lines
// on stdin ({id, op, arg}); each gets one JSON line on stdout ({id, ok, result} or {id, ok: false, code,
// message}); published events are sent as {event}.
import { createInterface } from 'node:readline';
import { chooseCloudSubnet, LinuxNetworkPlane } from '../../../src/adapters/network/linux/linux-network-plane.js';
import { pruneNetwork } from '../../../src/adapters/network/linux/prune-network.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';

const send = (msg: unknown): void => {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
};
const plane = new LinuxNetworkPlane({ publish: (event: MinicloudEvent) => send({ event }) });

const ops: Record<string, (arg: never) => Promise<unknown>> = {
  choose: (arg: { bridge: string; forced?: string }) => chooseCloudSubnet(arg.bridge, arg.forced),
  up: (arg: Parameters<LinuxNetworkPlane['ensureUp']>[0]) => plane.ensureUp(arg),
  hosts: (arg: Parameters<LinuxNetworkPlane['setHosts']>[0]) => plane.setHosts(arg),
  attach: (arg: { tap: string }) => plane.attachTap(arg.tap),
  observe: () => plane.observe(),
  down: () => plane.teardown(),
  prune: (arg: { cloudId: string | null; stateDirs?: string[] }) => pruneNetwork(arg),
};

// Commands run one after another, as the controller's reconcile loop calls the plane.
let queue: Promise<unknown> = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op, arg } = JSON.parse(line) as { id: number; op: string; arg: never };
  const run = ops[op];
  if (run === undefined) return send({ id, ok: false, code: 'BAD_OP', message: op });
  queue = queue.then(() => run(arg)).then(
    (result) => send({ id, ok: true, result: result ?? null }),
    (err: unknown) => {
      const e = err as { code?: string; message?: string; hint?: string; errors?: unknown[] };
      send({ id, ok: false, code: e.code ?? 'UNCODED', message: String(e.message ?? err), hint: e.hint, stack: (err as Error).stack });
    },
  );
});

// stdin closed: the test is done with this driver; leave nothing running behind it.
process.stdin.once('end', () => {
  queue.then(() => plane.teardown()).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`teardown on exit failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
});
