import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestInstance } from '../../test/helpers/instance-record.js';
import { createGuestWorld, requireImage, type GuestWorld } from '../../test/vm/images/guest-world.js';
import type { GuestBootSource } from '../../test/vm/images/qemu-guest.js';
import { median } from '../median.js';

// Prints, per image and boot path, the median (and all runs) of:
//   first metadata request — the first connection DNATed to 169.254.169.254:80 (rule counter, polled every 50 ms);
//   login:                 — the getty prompt on the serial console;
//   cloud-init finished    — (debian-cloud) cloud-init's `Cloud-init v. … finished at` console line.
// All are wall-clock milliseconds since QEMU was spawned, under TCG on this host.
const RUNS = Number(process.env['BOOT_BENCH_RUNS'] ?? '5');

const CIRROS: TestInstance = {
  id: 'i-0b0b0b0b0b0b0b001', uuid: '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0001', name: 'bench-cirros',
  hostname: 'bench-cirros', mac: '52:54:00:6d:62:01', ip: '10.77.0.31', datasource: 'ec2', userData: '#!/bin/sh\ntrue\n',
};
const DEBIAN: TestInstance = {
  id: 'i-0b0b0b0b0b0b0b002', uuid: '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0002', name: 'bench-debian',
  hostname: 'bench-debian', mac: '52:54:00:6d:62:02', ip: '10.77.0.32', datasource: 'openstack', userData: '#cloud-config\n{}\n',
};

interface Case {
  label: string;
  instance: TestInstance;
  source: GuestBootSource;
  memoryMiB: number;
  smbios?: string[];
  /** A console line that marks the end of boot besides `login:` (cloud-init's `finished`). */
  finished?: RegExp;
  runs: number;
  timeoutMs: number;
}

interface Result {
  firstRequest: number;
  login: number;
  finished: number;
}

async function measure(world: GuestWorld, c: Case): Promise<Result> {
  const before = await world.net.metadataConnections();
  const guest = await world.boot(c.instance, c.source, { memoryMiB: c.memoryMiB, hardTimeoutMs: c.timeoutMs, smbios: c.smbios });
  let firstRequest = NaN;
  const poll = (async () => {
    while (Number.isNaN(firstRequest) && Date.now() - guest.startedAt < c.timeoutMs) {
      if ((await world.net.metadataConnections()) > before) firstRequest = Date.now() - guest.startedAt;
      else await sleep(50);
    }
  })();
  try {
    const login = await guest.waitFor(new RegExp(`${c.instance.hostname} login:`), c.timeoutMs);
    const finished = c.finished ? (await guest.waitFor(c.finished, c.timeoutMs)).atMs : NaN;
    await poll;
    return { firstRequest, login: login.atMs, finished };
  } finally {
    guest.kill();
    await guest.exited;
  }
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const cirros = requireImage('minicirros', 'vmlinuz', 'initrd.img', 'disk.qcow2');
  const debian = requireImage('debian-cloud', 'disk.qcow2');
  const cases: Case[] = [
    {
      label: 'minicirros, direct kernel boot', instance: CIRROS, memoryMiB: 256, runs: RUNS, timeoutMs: 60_000,
      source: { kind: 'kernel', kernel: join(cirros, 'vmlinuz'), initrd: join(cirros, 'initrd.img'), append: 'console=ttyS0 quiet no_timer_check' },
    },
    { label: 'minicirros, qcow2 via GRUB', instance: CIRROS, memoryMiB: 256, runs: RUNS, timeoutMs: 120_000, source: { kind: 'disk', disk: join(cirros, 'disk.qcow2') } },
    {
      label: 'debian-cloud, qcow2 via GRUB, OpenStack SMBIOS', instance: DEBIAN, memoryMiB: 1024, runs: Math.min(RUNS, 3), timeoutMs: 300_000,
      source: { kind: 'disk', disk: join(debian, 'disk.qcow2') },
      smbios: [`type=1,manufacturer=OpenStack Foundation,product=OpenStack Nova,serial=${DEBIAN.uuid},uuid=${DEBIAN.uuid}`],
      finished: /Cloud-init v\. \S+ finished at /,
    },
  ];
  const world = await createGuestWorld('mcbench', [CIRROS, DEBIAN]);
  try {
    for (const c of cases) {
      const results: Result[] = [];
      for (let i = 0; i < c.runs; i++) results.push(await measure(world, c));
      const first = results.map((r) => r.firstRequest);
      const login = results.map((r) => r.login);
      console.log(`${c.label} (${c.runs} runs, TCG, 1 vCPU, ${c.memoryMiB} MiB)`);
      console.log(`  first metadata request: median ${fmt(median(first))}   runs: ${first.map(fmt).join(', ')}`);
      console.log(`  login:                  median ${fmt(median(login))}   runs: ${login.map(fmt).join(', ')}`);
      if (c.finished) {
        const finished = results.map((r) => r.finished);
        console.log(`  cloud-init finished:    median ${fmt(median(finished))}   runs: ${finished.map(fmt).join(', ')}`);
      }
    }
  } finally {
    await world.destroy();
  }
}

await main();
