import type { doctorCommand, OptionsOf } from '../command-flags.js';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiClient } from '../../api/api-client.js';
import { cloudLayout, cloudSettings, defaultCloudId, imagesDir, loadMinicloudConfig, minicloudHome } from '../../config/minicloud-config.js';
import type { DriverChoice } from '../../config/minicloud-config.js';
import { errors, isMinicloudError } from '../../errors/catalogue.js';
import { cliCloud, out } from './cli-context.js';
import { table } from './cli-format.js';

const execFileAsync = promisify(execFile);

export interface CheckResult {
  check: string;
  result: 'ok' | 'warn' | 'fail';
  detail: string;
  /** How to fix it; empty when ok. */
  fix: string;
}

async function hasCommand(cmd: string): Promise<boolean> {
  return execFileAsync('sh', ['-c', `command -v ${cmd}`]).then(() => true, () => false);
}

async function commandCheck(check: string, cmd: string, pkg: string, required: boolean): Promise<CheckResult> {
  const ok = await hasCommand(cmd);
  return ok
    ? { check, result: 'ok', detail: `${cmd} found`, fix: '' }
    : { check, result: required ? 'fail' : 'warn', detail: `${cmd} not found`, fix: `apt-get install ${pkg} (or run ./scripts/install-host-packages.sh)` };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Which driver `up` would use, tried the way `up` tries it (openHypervisor's `auto`): a given libvirt URI
 * must answer; without one, the libvirt driver needs the bindings, libvirtd and libvirt-daemon-system's
 * `libvirt-qemu` user to run the cloud's private libvirtd. Starts no daemon.
 */
export async function hypervisorCheck(driver: DriverChoice, uri: string | null): Promise<CheckResult> {
  if (driver === 'qemu') return { check: 'hypervisor', result: 'ok', detail: 'qemu driver (chosen with --driver qemu / hypervisor.driver)', fix: '' };
  let problem: string | null = null;
  if (uri !== null) {
    const { openLibvirtHypervisor } = await import('../../adapters/hypervisor/libvirt/libvirt-hypervisor.js');
    try {
      await (await openLibvirtHypervisor({ cloudId: 'doctor', uri })).close();
    } catch (e) {
      problem = `cannot connect to ${uri}: ${e instanceof Error ? e.message : String(e)}`;
    }
  } else if (!(await import('@unraid/libvirt').then(() => true, () => false))) problem = 'the @unraid/libvirt bindings do not load (npm ci on a host with libvirt-dev)';
  else if (!(await hasCommand('libvirtd'))) problem = 'libvirtd is not installed';
  else if (!(await execFileAsync('getent', ['passwd', 'libvirt-qemu']).then(() => true, () => false))) problem = 'libvirt-daemon-system is not installed (no libvirt-qemu user)';
  if (problem === null) {
    const how = uri !== null ? `libvirt at ${uri}` : "libvirt driver: a private libvirtd per cloud, inside the cloud's network namespace";
    return { check: 'hypervisor', result: 'ok', detail: how, fix: '' };
  }
  const fix = uri !== null ? 'check the URI (virsh -c URI list), or use --driver qemu' : 'apt-get install libvirt-daemon-system libvirt-dev && npm ci (or use --driver qemu)';
  if (driver === 'libvirt') return { check: 'hypervisor', result: 'fail', detail: `libvirt asked for, but ${problem}`, fix };
  return { check: 'hypervisor', result: 'ok', detail: `qemu driver (libvirt not usable: ${problem})`, fix: `for the libvirt driver: ${fix}` };
}

/** Every host check `up` depends on; each failure says how to fix it. */
export async function runDoctorChecks(env: Record<string, string | undefined>, metadataPort: number, hypervisor: { driver: DriverChoice; uri: string | null } = { driver: 'auto', uri: null }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const isRoot = process.getuid?.() === 0;
  results.push(isRoot ? { check: 'root', result: 'ok', detail: 'running as root', fix: '' } : { check: 'root', result: 'fail', detail: 'not root: bridges, taps and firewall rules need root', fix: 'run as root: sudo minicloud up' });
  results.push(await commandCheck('qemu', 'qemu-system-x86_64', 'qemu-system-x86', true));
  results.push(await commandCheck('qemu-img', 'qemu-img', 'qemu-utils', true));
  results.push(await commandCheck('dnsmasq', 'dnsmasq', 'dnsmasq-base', true));
  results.push(await commandCheck('dhcp_release', 'dhcp_release', 'dnsmasq-utils', false));
  results.push(await commandCheck('iptables', 'iptables', 'iptables', true));
  results.push(await commandCheck('nft', 'nft', 'nftables', true));
  results.push(await commandCheck('ip', 'ip', 'iproute2', true));
  results.push(await commandCheck('ssh', 'ssh', 'openssh-client', true));
  results.push(await commandCheck('ssh-keygen', 'ssh-keygen', 'openssh-client', true));
  results.push(await commandCheck('libvirtd', 'libvirtd', 'libvirt-daemon-system', false));
  results.push(await hypervisorCheck(hypervisor.driver, hypervisor.uri));

  const { quickAcceleratorVerdict, readHostCpuFacts, detectAccelerator } = await import('../../adapters/hypervisor/qemu/accelerator.js');
  const kernel = join(imagesDir(env), 'minicirros', 'vmlinuz');
  const quick = quickAcceleratorVerdict(await readHostCpuFacts());
  const verdict = quick ?? (existsSync(kernel) && (await hasCommand('qemu-system-x86_64')) ? await detectAccelerator({ kernelPath: kernel }) : null);
  results.push(
    verdict?.accelerator === 'kvm'
      ? { check: 'kvm', result: 'ok', detail: verdict.reason, fix: '' }
      : { check: 'kvm', result: 'warn', detail: verdict ? `not usable: ${verdict.reason}; guests run under TCG (slower, timeouts scaled x3)` : 'not probed (no test kernel)', fix: verdict ? 'enable hardware virtualisation (vmx/svm) and load kvm_intel/kvm_amd; TCG works meanwhile' : 'run `make images`, then `minicloud doctor` again' },
  );

  const forward = existsSync('/proc/sys/net/ipv4/ip_forward') ? readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() : '?';
  results.push(forward === '1' ? { check: 'ip_forward', result: 'ok', detail: 'on (needed only for network.egress)', fix: '' } : { check: 'ip_forward', result: 'warn', detail: 'off: guests stay hermetic; network.egress needs it', fix: 'sysctl -w net.ipv4.ip_forward=1 (only if you want egress)' });

  const layout = cloudLayout(minicloudHome(env));
  try {
    const { chooseCloudSubnet } = await import('../../adapters/network/linux/linux-network-plane.js');
    const choice = await chooseCloudSubnet(`mc-${defaultCloudId(layout.home)}`.slice(0, 15));
    results.push({ check: 'subnet', result: 'ok', detail: `${choice.subnet} is free (gateway ${choice.gateway})`, fix: '' });
  } catch (err) {
    results.push({ check: 'subnet', result: 'fail', detail: err instanceof Error ? err.message : String(err), fix: isMinicloudError(err) && err.hint ? err.hint : 'set network.subnet in minicloud.yaml to a free /24' });
  }

  const running = await new ApiClient(layout.socketPath).statusIfRunning();
  if (running) results.push({ check: 'metadata port', result: 'ok', detail: `in use by this cloud's controller (pid ${running.pid})`, fix: '' });
  else if (await portFree(metadataPort)) results.push({ check: 'metadata port', result: 'ok', detail: `${metadataPort} is free`, fix: '' });
  else results.push({ check: 'metadata port', result: 'fail', detail: `${metadataPort} is in use by another process`, fix: `stop it (ss -ltnp 'sport = :${metadataPort}') or use --metadata-port` });

  const built = ['minicirros', 'debian-cloud'].filter((n) => existsSync(join(imagesDir(env), n, 'disk.qcow2')));
  results.push(built.length > 0 ? { check: 'images', result: 'ok', detail: `built: ${built.join(', ')}`, fix: '' } : { check: 'images', result: 'warn', detail: 'no images built', fix: 'make images' });
  return results;
}

/** `minicloud doctor`: exit 2 when a check fails (the same checks `up` needs). */
export async function runDoctor(opts: OptionsOf<typeof doctorCommand>): Promise<void> {
  const { layout } = cliCloud();
  const { upFlagsFrom } = await import('./up.js');
  const flags = upFlagsFrom(opts);
  const config = loadMinicloudConfig(opts.config ?? layout.configPath, { optional: opts.config === undefined });
  const settings = cloudSettings(config, flags, process.env, layout.home);
  const results = await runDoctorChecks(process.env, settings.metadataPort, { driver: settings.driver, uri: settings.libvirtUri });
  if (opts.json) out(JSON.stringify(results, null, 2));
  else out(table(['CHECK', 'RESULT', 'DETAIL', 'FIX'], results.map((r) => [r.check, r.result, r.detail, r.fix])));
  const failed = results.filter((r) => r.result === 'fail');
  if (failed.length > 0) throw errors.preflightFailed(failed.map((f) => f.check).join(', '));
}
