import { describe, expect, it } from 'vitest';
import { staleLeases } from '../../../src/adapters/network/linux/dhcp-release.js';
import type { NetworkHost } from '../../../src/ports/network.js';

const host = (mac: string, ip: string): NetworkHost => ({ instanceId: `i-${ip}`, mac, ip, hostname: 'h', tapName: null });
const lease = (mac: string, ip: string) => ({ mac, ip, hostname: null, expiresAt: 0 });

describe('stale DHCP leases', () => {
  it('are the leases no reservation stands behind: deleted MACs, or a MAC now reserving another address', () => {
    const leases = [lease('52:54:00:00:00:01', '10.0.0.10'), lease('52:54:00:00:00:02', '10.0.0.11'), lease('52:54:00:00:00:03', '10.0.0.12')];
    const hosts = [host('52:54:00:00:00:01', '10.0.0.10'), host('52:54:00:00:00:03', '10.0.0.20')];
    expect(staleLeases(leases, hosts)).toEqual([leases[1], leases[2]]);
  });

  it('compares MACs without regard to case', () => {
    expect(staleLeases([lease('52:54:00:aa:bb:cc', '10.0.0.10')], [host('52:54:00:AA:BB:CC', '10.0.0.10')])).toEqual([]);
  });
});
