import type { Datasource } from '../domain/instance.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { Stage } from '../domain/stages.js';
import type { GuestState } from '../ports/hypervisor.js';
import { formatDuration } from './units.js';

/**
 * Explains why an instance is stuck, from what the controller saw. Pure: every input is data.
 * The hint names the likely cause and what to check, as Lima's debug hints do; the most specific
 * evidence (console text, 404s) wins over the generic per-stage hint.
 */

export interface DiagnosisInput {
  stage: Stage;
  /** The stage that was not reached. */
  waitingFor: Stage;
  guestState: GuestState | null;
  datasource: Datasource;
  /** Where the instance's cloud puts its metadata (a config drive makes no metadata request). */
  delivery: 'metadata-service' | 'config-drive';
  /** The request of the instance's cloud that hands the guest its user-data (CloudFlavour.userDataRequest). */
  userDataRequest: RegExp;
  /** How long since the current stage was reached (or since start for `defined`). */
  stalledMs: number;
  consoleTail: string[];
  /** This instance's recent metadata requests, oldest first. */
  requests: MetadataRequestRecord[];
  hasUserData: boolean;
}

export interface Diagnosis {
  stage: Stage;
  waitingFor: Stage;
  hint: string;
}

function consoleHas(lines: string[], re: RegExp): string | undefined {
  return lines.find((l) => re.test(l));
}

function guestGoneHint(input: DiagnosisInput): string | null {
  if (input.guestState !== 'shutoff' && input.guestState !== 'crashed') return null;
  const panic = consoleHas(input.consoleTail, /Kernel panic|end Kernel panic/);
  if (panic) return `the kernel panicked ("${panic.trim()}"): check the image's kernel, initrd and root= device`;
  if (consoleHas(input.consoleTail, /^grub>|GRUB_FORCE|error: no such device/)) {
    return 'the boot loader stopped at a prompt: the image has no usable grub configuration';
  }
  if (input.consoleTail.length === 0) return `the guest ${input.guestState === 'crashed' ? 'crashed' : 'powered off'} before printing anything on the serial console`;
  return `the guest ${input.guestState === 'crashed' ? 'crashed' : 'powered off'} while waiting for ${input.waitingFor}: see the console lines above`;
}

function stageHint(input: DiagnosisInput): string {
  const waited = formatDuration(input.stalledMs);
  switch (input.waitingFor) {
    case 'defined':
    case 'booting':
      return `no console output after ${waited}: the guest has no serial console (add console=ttyS0 to its kernel command line) or QEMU is stuck`;
    case 'dhcp': {
      if (consoleHas(input.consoleTail, /DHCPDISCOVER|udhcpc|dhclient|Sending discover/i)) {
        return `the guest sent DHCP requests but got no lease in ${waited}: check that dnsmasq runs on the cloud bridge (minicloud doctor)`;
      }
      return `no DHCP request within ${waited} of boot: is the image's network configured for DHCP?`;
    }
    case 'metadata': {
      if (input.delivery === 'config-drive') {
        return `no metadata request within ${waited} of the lease, as expected for --datasource ${input.datasource} (it reads a disk); wait for ssh or a console:/regex/ instead`;
      }
      const refused = consoleHas(input.consoleTail, /169\.254\.169\.254.*(fail|refused|unreachable|timed out)/i);
      if (refused) return `the guest tried 169.254.169.254 but could not connect ("${refused.trim()}"): check the metadata redirect (minicloud doctor)`;
      return `no metadata request within ${waited} of the lease: datasource not detected — check --datasource (now ${input.datasource})`;
    }
    case 'userdata': {
      const missed = input.requests.filter((r) => r.status === 404).map((r) => r.path);
      if (missed.length > 0) {
        return `the guest read metadata but never asked for user-data; it got 404 for ${missed.slice(-3).join(', ')} — it may probe a version or path minicloud does not serve`;
      }
      if (input.requests.some((r) => input.userDataRequest.test(r.path))) return 'user-data was requested but not answered';
      return `the guest read metadata for ${waited} but never asked for user-data: is user-data disabled in the image's datasource config?`;
    }
    case 'reported-ready':
      return `the guest has not reported ready to the cloud ${waited} after ${input.stage}: see its cloud-init log (Azure: the wireserver requests in metadata-log)`;
    case 'ssh':
    case 'ready':
      return `ssh not reachable ${waited} after ${input.stage}: is sshd installed and started, and was the key injected (--ssh-key, or the cloud's key via metadata)?`;
  }
}

export function diagnose(input: DiagnosisInput): Diagnosis {
  return { stage: input.stage, waitingFor: input.waitingFor, hint: guestGoneHint(input) ?? stageHint(input) };
}

/**
 * A console line that says cloud-init (or a user-data script) failed; null if the line is benign.
 * Matches what cloud-init 22-24 prints on the serial console when a runcmd/script exits non-zero.
 */
export function cloudInitErrorLine(line: string): string | null {
  const patterns = [
    /Failed to run module scripts[-_]user/,
    /Failed running \/var\/lib\/cloud\/instance\/scripts\//,
    /cloud-init\[\d+\]: .*\[CRITICAL\]/,
  ];
  return patterns.some((re) => re.test(line)) ? line.trim() : null;
}
