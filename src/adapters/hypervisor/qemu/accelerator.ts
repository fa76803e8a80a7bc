import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accelerator } from '../../../domain/controller-instance.js';

export interface AcceleratorVerdict {
  accelerator: Accelerator;
  /** One sentence: why this accelerator (shown in the TCG notice and `minicloud doctor`). */
  reason: string;
}

/** Host facts the cheap checks look at. */
export interface HostCpuFacts {
  /** The `flags` of /proc/cpuinfo. */
  cpuFlags: string[];
  /** /sys/module/kvm_pvm exists: KVM that only runs PVM-aware guest kernels. */
  hasKvmPvm: boolean;
  /** /dev/kvm can be opened read-write. */
  hasDevKvm: boolean;
}

/**
 * The cheap checks, which can only say no (docs/hypervisors.md "Acceleration": /dev/kvm opening, `info kvm` and
 * libvirt's capabilities all say yes on a PVM-only host whose KVM hangs stock kernels). Pure.
 * Returns a TCG verdict, or null when only a real boot can tell.
 */
export function quickAcceleratorVerdict(facts: HostCpuFacts): AcceleratorVerdict | null {
  if (!facts.hasDevKvm) return { accelerator: 'tcg', reason: '/dev/kvm is missing or not writable' };
  if (!facts.cpuFlags.includes('vmx') && !facts.cpuFlags.includes('svm')) {
    return { accelerator: 'tcg', reason: 'the CPU has no vmx/svm flag (no hardware virtualisation exposed to this host)' };
  }
  if (facts.hasKvmPvm) return { accelerator: 'tcg', reason: 'KVM here is PVM-only (kvm_pvm): it cannot run stock guest kernels' };
  return null;
}

/** The marker the probe waits for: the kernel's first line on the serial port. */
const PROBE_MARKER = 'Linux version';

/** argv of the KVM probe boot. Pure. */
export function kvmProbeArgv(kernelPath: string): string[] {
  return [
    '-accel', 'kvm', '-cpu', 'host', '-M', 'pc', '-m', '128M', '-smp', '1',
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', 'stdio', '-kernel', kernelPath,
    '-append', 'console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1',
  ];
}

export interface DetectAcceleratorOptions {
  /** A stock x86-64 kernel (the minicirros kernel) for the real probe. */
  kernelPath: string;
  /** Where the verdict is cached per host boot. Default /run/minicloud (tmpfs: a reboot clears it anyway). */
  cacheDir?: string;
  qemuBinary?: string;
  /** How long the probe waits for the marker. Default 6 s. */
  timeoutMs?: number;
}

/**
 * Decides kvm or tcg for real: the quick negatives first, then boots `kernelPath` under `-accel kvm` and
 * takes KVM only if the kernel's first line appears on the serial port in time. Never relies on QEMU's
 * own `-accel kvm:tcg` fallback (KVM "initialises" fine here and then hangs). Cached per host boot.
 */
export async function detectAccelerator(opts: DetectAcceleratorOptions): Promise<AcceleratorVerdict> {
  const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  const cacheFile = join(opts.cacheDir ?? '/run/minicloud', `accelerator-${bootId}.json`);
  const cached = await readFile(cacheFile, 'utf8').then((t) => JSON.parse(t) as AcceleratorVerdict, () => null);
  if (cached) return cached;
  const verdict = quickAcceleratorVerdict(await readHostCpuFacts()) ?? (await probeKvm(opts));
  await mkdir(join(cacheFile, '..'), { recursive: true });
  await writeFile(cacheFile, JSON.stringify(verdict) + '\n');
  return verdict;
}

/** The line to print when guests run under TCG. */
export function acceleratorNotice(verdict: AcceleratorVerdict): string | null {
  if (verdict.accelerator === 'kvm') return null;
  return `guests run under TCG (software emulation, roughly 10-50x slower than KVM): ${verdict.reason}`;
}

export async function readHostCpuFacts(): Promise<HostCpuFacts> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8');
  const flagsLine = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '';
  const exists = (p: string, mode?: number): Promise<boolean> => access(p, mode).then(() => true, () => false);
  return {
    cpuFlags: flagsLine.split(/\s+/).filter(Boolean),
    hasKvmPvm: await exists('/sys/module/kvm_pvm'),
    hasDevKvm: await exists('/dev/kvm', constants.R_OK | constants.W_OK),
  };
}

/** The positive test alone: boots `kernelPath` under -accel kvm and waits for PROBE_MARKER. */
export function probeKvm(opts: DetectAcceleratorOptions): Promise<AcceleratorVerdict> {
  const timeoutMs = opts.timeoutMs ?? 6000;
  return new Promise((resolve) => {
    const child = spawn(opts.qemuBinary ?? 'qemu-system-x86_64', kvmProbeArgv(opts.kernelPath), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const finish = (verdict: AcceleratorVerdict): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(verdict);
    };
    const timer = setTimeout(
      () => finish({ accelerator: 'tcg', reason: `a test kernel under -accel kvm printed nothing within ${timeoutMs} ms (KVM hangs stock guests here)` }),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('latin1');
      if (output.includes(PROBE_MARKER)) finish({ accelerator: 'kvm', reason: 'a test kernel booted under -accel kvm' });
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('latin1');
    });
    child.once('error', (err) => finish({ accelerator: 'tcg', reason: `the KVM probe could not run QEMU: ${err.message}` }));
    child.once('exit', (code, signal) =>
      finish({ accelerator: 'tcg', reason: `QEMU under -accel kvm exited (${signal ?? code}) before the kernel printed: ${output.trim().split('\n').slice(-1)[0] ?? ''}` }),
    );
  });
}
