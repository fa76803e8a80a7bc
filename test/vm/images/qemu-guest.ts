import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestNetns } from '../../helpers/netns.js';

/**
 * Boots one guest with plain qemu-system-x86_64 for the image tests and the boot benchmark:
 * TCG, `-M pc` (never microvm: it hangs ~10 % of TCG boots, host-notes §2), an explicit tap NIC
 * (never QEMU's default user-mode NIC), serial console on stdout (`-nographic` also turns on
 * SeaBIOS's serial console, so firmware and GRUB lines show up), a QMP socket for the ACPI
 * power button, and a hard timeout after which the process is killed by PID.
 */
export type GuestBootSource =
  | { kind: 'kernel'; kernel: string; initrd: string; append: string }
  | { kind: 'disk'; disk: string };

export interface GuestSpec {
  boot: GuestBootSource;
  memoryMiB: number;
  tap: string;
  mac: string;
  qmpSocket: string;
  /** `-smbios` values, e.g. `type=1,manufacturer=OpenStack Foundation,product=OpenStack Nova`. */
  smbios?: string[];
  /** Extra read-only virtio disks (a config drive), as raw image paths. */
  extraDisks?: string[];
}

/** The QEMU argv for a spec (pure). Disks get `snapshot=on`: the cached image is never written. */
function qemuArgs(spec: GuestSpec): string[] {
  const args = [
    '-accel', 'tcg', '-M', 'pc', '-cpu', 'max', '-smp', '1', '-m', String(spec.memoryMiB),
    '-nodefaults', '-no-user-config', '-nographic', '-serial', 'stdio', '-no-reboot',
    '-qmp', `unix:${spec.qmpSocket},server=on,wait=off`,
    '-netdev', `tap,id=n0,ifname=${spec.tap},script=no,downscript=no`,
    '-device', `virtio-net-pci,netdev=n0,mac=${spec.mac},romfile=`,
  ];
  if (spec.boot.kind === 'kernel') {
    args.push('-kernel', spec.boot.kernel, '-initrd', spec.boot.initrd, '-append', spec.boot.append);
  } else {
    args.push('-drive', `file=${spec.boot.disk},if=none,id=d0,format=qcow2,snapshot=on`, '-device', 'virtio-blk-pci,drive=d0,bootindex=0');
  }
  (spec.extraDisks ?? []).forEach((file, i) => {
    args.push('-drive', `file=${file},if=none,id=x${i},format=raw,readonly=on`, '-device', `virtio-blk-pci,drive=x${i}`);
  });
  for (const s of spec.smbios ?? []) args.push('-smbios', s);
  return args;
}

export interface RunningGuest {
  pid: number | undefined;
  startedAt: number;
  /** Serial console text so far, with CRs and ANSI escapes removed. */
  console(): string;
  /** Resolves when `pattern` appears on the console; rejects on timeout or if QEMU exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<{ match: RegExpMatchArray; atMs: number }>;
  /** Presses the ACPI power button through QMP (`system_powerdown`). */
  powerButton(): Promise<void>;
  /** Resolves with QEMU's exit code (null if killed by a signal). */
  exited: Promise<number | null>;
  /** Kills QEMU by PID (SIGKILL) if it still runs. */
  kill(): void;
}

export function startGuest(ns: TestNetns, spec: GuestSpec, opts: { hardTimeoutMs: number }): RunningGuest {
  const child: ChildProcess = ns.spawn('qemu-system-x86_64', qemuArgs(spec), { stdio: ['ignore', 'pipe', 'pipe'] });
  const startedAt = Date.now();
  let text = '';
  // First-seen times of console text, so waitFor can report when a line appeared, not when it was awaited.
  const chunks: { at: number; end: number }[] = [];
  const append = (c: Buffer): void => {
    // eslint-disable-next-line no-control-regex -- control characters are what this matches
    text += c.toString('utf8').replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    chunks.push({ at: Date.now() - startedAt, end: text.length });
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const hardTimer = setTimeout(kill, opts.hardTimeoutMs);
  void exited.then(() => clearTimeout(hardTimer));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const atOffset = (offset: number): number => chunks.find((c) => c.end > offset)?.at ?? Date.now() - startedAt;

  return {
    pid: child.pid,
    startedAt,
    console: () => text,
    exited,
    kill,
    waitFor: async (pattern, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = text.match(pattern);
        if (match) return { match, atMs: atOffset(match.index ?? 0) };
        if (hasExited) throw new Error(`QEMU exited before ${pattern} appeared; console:\n${text.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`${pattern} not seen within ${timeoutMs} ms; console:\n${text.slice(-4000)}`);
        await sleep(50);
      }
    },
    powerButton: () => qmp(spec.qmpSocket, 'system_powerdown'),
  };
}

/** One QMP command over a fresh connection: greeting, qmp_capabilities, command, its reply. */
async function qmp(socket: string, command: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const conn = connect(socket);
    let buf = '';
    let sent = 0;
    conn.on('error', reject);
    conn.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const msg = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc: string } };
        if (msg.error) {
          conn.destroy();
          reject(new Error(`QMP ${command}: ${msg.error.desc}`));
          return;
        }
        if (msg.QMP !== undefined && sent === 0) {
          conn.write('{"execute":"qmp_capabilities"}\n');
          sent = 1;
        } else if (msg.return !== undefined && sent === 1) {
          conn.write(`{"execute":"${command}"}\n`);
          sent = 2;
        } else if (msg.return !== undefined && sent === 2) {
          conn.end();
          resolve();
        }
      }
    });
  });
}
