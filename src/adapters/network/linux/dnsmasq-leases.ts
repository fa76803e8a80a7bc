import type { NetworkObservation } from '../../../ports/network.js';

export type Lease = NetworkObservation['leases'][number];

/**
 * Parses dnsmasq's lease file (pure): `<expiry epoch s> <mac> <ip> <hostname|*> <client-id|*>` per line.
 * Expiry 0 means infinite and is reported as Number.MAX_SAFE_INTEGER. Lines that do not match
 * (IPv6 `duid` lines, blanks) are skipped.
 */
export function parseDnsmasqLeases(text: string): Lease[] {
  const leases: Lease[] = [];
  for (const line of text.split('\n')) {
    const [expiry, mac, ip, hostname] = line.trim().split(/\s+/);
    if (expiry === undefined || mac === undefined || ip === undefined || !/^\d+$/.test(expiry)) continue;
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)) continue;
    const seconds = Number(expiry);
    leases.push({
      mac: mac.toLowerCase(),
      ip,
      hostname: hostname === undefined || hostname === '*' ? null : hostname,
      expiresAt: seconds === 0 ? Number.MAX_SAFE_INTEGER : seconds * 1000,
    });
  }
  return leases;
}
