// A stand-in for a controller that starts a guest and then dies: run with tsx, argv = spec JSON file,
// state dir, netns. Exits right after `start` returns; the guest must keep running.
import { readFileSync } from 'node:fs';
import { QemuHypervisor } from '../../../src/adapters/hypervisor/qemu/qemu-hypervisor.js';
import type { GuestSpec } from '../../../src/ports/hypervisor.js';

const [specFile, stateDir, netns] = process.argv.slice(2);
if (!specFile || !stateDir || !netns) throw new Error('usage: start-and-exit.ts SPEC_JSON STATE_DIR NETNS');
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as GuestSpec;
const hypervisor = new QemuHypervisor({ cloudId: spec.cloudId, stateDir, netns });
await hypervisor.define(spec);
await hypervisor.start(spec.instanceId);
process.exit(0);
