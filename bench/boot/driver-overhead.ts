import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Hypervisor } from '../../src/ports/hypervisor.js';
import { minicirrosSpec, openDriver, type OpenedDriver } from '../../test/vm/hypervisor/drivers.js';
import { createGuestWorld, MINICIRROS, requireMinicirros, type GuestWorld } from '../../test/vm/hypervisor/guest-world.js';
import { median } from '../median.js';

// Driver overhead: wall-clock ms from "start" to the guest's first metadata request (the first SYN DNATed
// to 169.254.169.254:80, read from the rule's packet counter, polled every 20 ms), for
//   bare    — a hand-written qemu-system-x86_64 command line on a pre-made tap (no QMP, no -S);
//   qemu    — QemuHypervisor.start (spawn paused, QMP, enslave the tap, cont);
//   libvirt — LibvirtHypervisor.start on the cloud's private libvirtd (already running, capabilities cached).
// Same image (minicirros, direct kernel boot), same overlay setup, TCG, 1 vCPU, 256 MiB. Variants are
// interleaved per round so host load hits them alike. Define/overlay creation is outside the timing.
const RUNS = Number(process.env['BOOT_BENCH_RUNS'] ?? '5');
const TIMEOUT_MS = 60_000;
const CLOUD = 'bench';
const MAC = '52:54:00:6d:62:11';
const IP = '10.77.0.41';

async function firstRequestAfter(world: GuestWorld, before: number, t0: number): Promise<number> {
  while (Date.now() - t0 < TIMEOUT_MS) {
    if ((await world.net.metadataConnections()) > before) return Date.now() - t0;
    await sleep(20);
  }
  throw new Error(`no metadata request within ${TIMEOUT_MS} ms`);
}

async function runBare(world: GuestWorld, round: number): Promise<number> {
  const dir = join(world.dir, `bare-${round}`);
  mkdirSync(dir, { recursive: true });
  const overlay = join(dir, 'disk.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', MINICIRROS.disk, overlay]);
  const tap = await world.net.addTap(`mcbare${round}`);
  const before = await world.net.metadataConnections();
  const t0 = Date.now();
  const qemu = spawn('ip', ['netns', 'exec', world.ns.name, 'qemu-system-x86_64',
    '-M', 'pc', '-accel', 'tcg', '-cpu', 'max', '-smp', '1', '-m', '256M', '-nodefaults', '-no-user-config', '-display', 'none',
    '-serial', `file:${join(dir, 'console.log')}`,
    '-drive', `file=${overlay},if=none,id=d0,format=qcow2,cache=unsafe`, '-device', 'virtio-blk-pci,drive=d0',
    '-kernel', MINICIRROS.kernel, '-initrd', MINICIRROS.initrd, '-append', MINICIRROS.cmdline,
    '-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n0,mac=${MAC},romfile=`,
  ], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => qemu.once('exit', () => resolve()));
  try {
    return await firstRequestAfter(world, before, t0);
  } finally {
    qemu.kill('SIGKILL');
    await exited;
    await world.ns.run('ip', ['link', 'del', tap]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runDriver(world: GuestWorld, hypervisor: Hypervisor, round: number): Promise<number> {
  const instanceId = `i-bench${hypervisor.kind}${round}`;
  await hypervisor.define(minicirrosSpec(world, CLOUD, instanceId, { mac: MAC }));
  const before = await world.net.metadataConnections();
  const t0 = Date.now();
  await hypervisor.start(instanceId);
  try {
    return await firstRequestAfter(world, before, t0);
  } finally {
    await hypervisor.undefine(instanceId);
  }
}

async function main(): Promise<void> {
  requireMinicirros();
  const world = await createGuestWorld('mchvb', [
    { id: 'i-0b0b0b0b0b0b0b011', uuid: '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0011', name: 'bench-drv', hostname: 'bench-drv', mac: MAC, ip: IP, datasource: 'ec2', userData: '' },
  ], { metadata: false });
  const drivers: OpenedDriver[] = [];
  try {
    const qemu = await openDriver('qemu', world, CLOUD);
    drivers.push(qemu);
    const libvirt = await openDriver('libvirt', world, CLOUD);
    drivers.push(libvirt);
    // Warm-up (not counted): the first libvirt start probes QEMU's capabilities.
    await runDriver(world, libvirt.hypervisor, 0);
    const results: Record<'bare' | 'qemu' | 'libvirt', number[]> = { bare: [], qemu: [], libvirt: [] };
    for (let round = 1; round <= RUNS; round++) {
      results.bare.push(await runBare(world, round));
      results.qemu.push(await runDriver(world, qemu.hypervisor, round));
      results.libvirt.push(await runDriver(world, libvirt.hypervisor, round));
      process.stderr.write(`round ${round}: bare ${results.bare.at(-1)} ms, qemu ${results.qemu.at(-1)} ms, libvirt ${results.libvirt.at(-1)} ms\n`);
    }
    const bare = median(results.bare);
    console.log(`start → first metadata request, minicirros, TCG, median of ${RUNS}:`);
    for (const [name, runs] of Object.entries(results)) {
      const m = median(runs);
      const over = name === 'bare' ? '' : `  overhead ${(((m - bare) / bare) * 100).toFixed(1)}% (target ≤ ${name === 'qemu' ? 10 : 25}%)`;
      console.log(`  ${name.padEnd(8)} ${(m / 1000).toFixed(2)} s  [${runs.join(', ')} ms]${over}`);
    }
  } finally {
    for (const d of drivers.reverse()) await d.dispose();
    await world.destroy();
  }
}

await main();
