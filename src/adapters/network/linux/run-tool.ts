import { execFile } from 'node:child_process';
import { errors } from '../../../errors/catalogue.js';

/** The Debian package that provides each tool the network plane runs, for MC_ERR_NETWORK_TOOL_MISSING's hint. */
const PACKAGE_OF: Record<string, string> = {
  iptables: 'iptables',
  'iptables-save': 'iptables',
  'iptables-restore': 'iptables',
  nft: 'nftables',
  dnsmasq: 'dnsmasq-base',
  ip: 'iproute2',
  dhcp_release: 'dnsmasq-utils',
};

export interface ToolResult {
  stdout: string;
  stderr: string;
  /** Exit status; 0 unless `allowExit` let a failure through. */
  status: number;
}

/**
 * Runs iptables/nft with argv (never a shell) and optional stdin. A missing tool becomes
 * MC_ERR_NETWORK_TOOL_MISSING, a non-zero exit MC_ERR_NETWORK_COMMAND — unless the status is in
 * `allowExit` (e.g. `iptables -C` answers "absent" with 1), in which case the caller reads `status`.
 */
export function runTool(tool: string, args: string[], opts: { input?: string; allowExit?: number[] } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(tool, args, { timeout: 30_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) return resolve({ stdout, stderr, status: 0 });
      const e = err as NodeJS.ErrnoException & { code?: unknown };
      if (e.code === 'ENOENT') return reject(errors.networkToolMissing(tool, PACKAGE_OF[tool] ?? tool).causedBy(err));
      const status = typeof e.code === 'number' ? e.code : -1;
      if (opts.allowExit?.includes(status)) return resolve({ stdout, stderr, status });
      if (/Permission denied|Operation not permitted/.test(stderr)) {
        return reject(errors.networkPermission(`${tool} ${args.join(' ')}`).causedBy(err));
      }
      reject(errors.networkCommandFailed(`${tool} ${args.join(' ')}`, stderr).causedBy(err));
    });
    // A tool that exits without reading its input (iptables -C) makes this write fail with EPIPE; the
    // exit status and stderr handled above are the real outcome, so the pipe error itself is not one.
    child.stdin?.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(errors.networkCommandFailed(`${tool} ${args.join(' ')}`, err.message).causedBy(err));
    });
    child.stdin?.end(opts.input ?? '');
  });
}
