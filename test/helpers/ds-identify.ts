import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SmbiosIdentity } from '../../src/ports/hypervisor.js';
import type { CloudInitClient } from './cloud-init-client.js';
import { writeGuestDmi } from './guest-dmi.js';

export interface DsIdentifyInput {
  /** The guest's SMBIOS identity; /sys/class/dmi/id is built from it as a minicloud guest sees it. */
  identity: SmbiosIdentity;
  /** Filesystem labels blkid reports (a config drive is `config-2`). Default none. */
  fsLabels?: string[];
  /** The guest kernel's command line. Default `console=ttyS0`. */
  cmdline?: string;
}

export interface DsIdentifyResult {
  /** The datasource_list ds-identify wrote for cloud-init, or null when it disabled cloud-init. */
  datasources: string[] | null;
  /** ds-identify's own log (it explains every check it ran). */
  log: string;
}

/**
 * Runs cloud-init's real ds-identify (the shell script, either version) on a fake root: DMI from
 * minicloud's SMBIOS identity, Debian's cloud.cfg (no datasource_list: the default list applies), a
 * KVM guest (systemd-detect-virt answers kvm), the block devices' labels from `fsLabels`. This is how
 * cloud-init's own unit tests drive it (PATH_ROOT); nothing on this host is read.
 */
export function runDsIdentify(client: CloudInitClient, input: DsIdentifyInput): DsIdentifyResult {
  const root = mkdtempSync(join(tmpdir(), 'mc-dsid-'));
  try {
    writeGuestDmi(join(root, 'sys/class/dmi/id'), input.identity);
    mkdirSync(join(root, 'proc/1'), { recursive: true });
    writeFileSync(join(root, 'proc/cmdline'), `${input.cmdline ?? 'console=ttyS0'}\n`);
    writeFileSync(join(root, 'proc/1/cmdline'), '/sbin/init\0');
    writeFileSync(join(root, 'proc/1/environ'), '');
    writeFileSync(join(root, 'proc/uptime'), '3.14 2.00\n');
    mkdirSync(join(root, 'etc/cloud/cloud.cfg.d'), { recursive: true });
    copyFileSync(client.debianCloudCfg, join(root, 'etc/cloud/cloud.cfg'));
    mkdirSync(join(root, 'run'), { recursive: true });
    const bin = join(root, 'fake-bin');
    mkdirSync(bin);
    const script = (name: string, body: string): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script('systemd-detect-virt', 'case "$1" in --container|-c) echo none; exit 1;; esac\necho kvm');
    const blkid = (input.fsLabels ?? []).map((label, i) => `DEVNAME=/dev/sr${i}\nLABEL=${label}\nTYPE=iso9660\n`).join('\n');
    script('blkid', `cat <<'EOF'\n${blkid}EOF`);
    const r = spawnSync('sh', [client.dsIdentify, '--force'], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, PATH_ROOT: root, DI_LOG: join(root, 'ds-identify.log'), DEBUG_LEVEL: '2' },
      timeout: 30_000,
    });
    const logFile = join(root, 'ds-identify.log');
    const log = `${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}${r.stderr}`;
    const cfgPath = join(root, 'run/cloud-init/cloud.cfg');
    const cfg = existsSync(cfgPath) ? readFileSync(cfgPath, 'utf8') : '';
    const m = /^datasource_list: \[ *(.*?) *\]/m.exec(cfg);
    if (r.status !== 0 && !m) return { datasources: null, log };
    return { datasources: m?.[1] ? m[1].split(/ *, */) : null, log };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
