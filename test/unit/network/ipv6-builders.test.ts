import { describe, expect, it } from 'vitest';
import { antispoofIpv6Lines } from '../../../src/adapters/network/linux/antispoof6-lines.js';
import { buildAntispoofRuleset } from '../../../src/adapters/network/linux/antispoof-ruleset.js';
import { buildDnsmasqRaLines } from '../../../src/adapters/network/linux/dnsmasq-ra.js';
import { buildIp6tablesPlan } from '../../../src/adapters/network/linux/ip6tables-rules.js';
import { buildIptablesCleanup } from '../../../src/adapters/network/linux/iptables-rules.js';
import { cloudIpv6Of, validateEndpoints6 } from '../../../src/adapters/network/linux/ipv6-config.js';
import { CLOUD_NETWORK_NEEDS } from '../../../src/clouds/registry.js';
import { cloudIpv6 } from '../../../src/core/ipv6.js';
import { sampleConfig, sampleHosts } from './sample-network.js';

// Golden files: `npx vitest run test/unit/network -u` rewrites them; review the diff like code.
const golden = (name: string): string => `../../../fixtures/network/${name}`;

const config6 = {
  ...sampleConfig,
  endpoints6: [
    { address: 'fd00:c1::a9fe:a9fe', ports: [80] },
    { address: 'fd00:ec2::254', ports: [80] },
    { address: 'fe80::a9fe:a9fe', ports: [80] },
  ],
};
const ipv6 = cloudIpv6('demo');

describe('IPv6 builders (golden files in fixtures/network/)', () => {
  it('ip6tables: each endpoint DNATed to the IPv6 gateway, NDP and the metadata port let in, nothing routed', async () => {
    const plan = buildIp6tablesPlan(config6, ipv6);
    await expect(plan.restore).toMatchFileSnapshot(golden('ip6tables-hermetic.rules'));
    expect(plan.restore).toContain(`-A MC-demo-PRE -d fd00:ec2::254/128 -p tcp -m tcp --dport 80 -m comment --comment "minicloud:demo" -j DNAT --to-destination [${ipv6.gateway}]:8775`);
    // --egress changes nothing for IPv6: there is no IPv6 egress.
    expect(buildIp6tablesPlan({ ...config6, egress: true }, ipv6).restore).toBe(plan.restore);
    for (const rule of plan.restore.split('\n').filter((l) => l.startsWith('-A '))) expect(rule).toContain('--comment "minicloud:demo"');
    expect(plan.jumps.map((j) => `${j.table} ${j.chain} ${j.spec.join(' ')}`)).toEqual([
      'nat PREROUTING -i minicloud0 -m comment --comment minicloud:demo -j MC-demo-PRE',
      'filter INPUT -i minicloud0 -m comment --comment minicloud:demo -j MC-demo-IN',
      'filter FORWARD -i minicloud0 -m comment --comment minicloud:demo -j MC-demo-FWD',
      'filter FORWARD -o minicloud0 -m comment --comment minicloud:demo -j MC-demo-FWD',
    ]);
  });

  it('ip6tables-save output is cleaned by the IPv4 cleanup builder (same chains, same tags)', async () => {
    const save = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':MC-demo-PRE - [0:0]',
      ':MC-other-PRE - [0:0]',
      '-A PREROUTING -i minicloud0 -m comment --comment minicloud:demo -j MC-demo-PRE',
      '-A PREROUTING -i minicloud1 -m comment --comment minicloud:other -j MC-other-PRE',
      `-A MC-demo-PRE -d fd00:ec2::254/128 -p tcp -m tcp --dport 80 -m comment --comment "minicloud:demo" -j DNAT --to-destination [${ipv6.gateway}]:8775`,
      'COMMIT',
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':MC-demo-IN - [0:0]',
      '-A INPUT -i minicloud0 -m comment --comment minicloud:demo -j MC-demo-IN',
      '-A MC-demo-IN -m comment --comment "minicloud:demo" -j REJECT --reject-with icmp6-adm-prohibited',
      'COMMIT',
      '',
    ].join('\n');
    await expect(buildIptablesCleanup(save, 'demo')).toMatchFileSnapshot(golden('ip6tables-cleanup-demo.rules'));
    expect(buildIptablesCleanup(save, 'demo')).not.toContain('other');
  });

  it("anti-spoofing: a guest's IPv6 lines admit its own SLAAC and link-local addresses only", async () => {
    const host = sampleHosts[1];
    if (host === undefined) throw new Error('sample hosts changed');
    const lines = antispoofIpv6Lines(ipv6, host.mac);
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot(golden('antispoof6-guest.nft'));
    expect(lines.at(-1)).toBe(`ether type ip6 ip6 saddr { ${ipv6.prefix.slice(0, -5)}:0:5054:ff:fe00:a, fe80::5054:ff:fe00:a } accept`);
    expect(antispoofIpv6Lines(null, host.mac)).toEqual([]);
    // In the whole ruleset: each guest chain's IPv6 lines come before its final drop; without IPv6, none.
    const ruleset = buildAntispoofRuleset('demo', 'minicloud0', sampleHosts, ['mc-demo-t1', 'vnet7'], undefined, ipv6);
    await expect(ruleset).toMatchFileSnapshot(golden('antispoof-ipv6.nft'));
    expect(ruleset.match(/ip6 saddr \{/g)).toHaveLength(2);
    expect(buildAntispoofRuleset('demo', 'minicloud0', sampleHosts, ['mc-demo-t1', 'vnet7'])).not.toContain('ip6');
  });

  it('dnsmasq advertises the ULA /64 for SLAAC only', () => {
    expect(buildDnsmasqRaLines(ipv6)).toEqual(['enable-ra', `dhcp-range=${ipv6.prefix.slice(0, -3)},ra-only,64,1h`]);
    expect(buildDnsmasqRaLines(null)).toEqual([]);
  });

  it('IPv6 is on only with endpoints6, and they must be canonical unicast addresses outside the own /64', () => {
    expect(cloudIpv6Of(sampleConfig)).toBeNull();
    expect(cloudIpv6Of({ ...sampleConfig, endpoints6: [] })).toBeNull();
    expect(cloudIpv6Of(config6)).toEqual(ipv6);
    expect(() => validateEndpoints6(config6)).not.toThrow();
    expect(() => validateEndpoints6({ ...sampleConfig, endpoints6: [...CLOUD_NETWORK_NEEDS.endpoints6] })).not.toThrow();
    for (const bad of [
      { address: 'FD00:EC2::254', ports: [80] },
      { address: 'fd00:ec2:0::254', ports: [80] },
      { address: 'ff02::1', ports: [80] },
      { address: `${ipv6.prefix.slice(0, -3)}5`, ports: [80] },
      { address: 'fd00:ec2::254"; -j ACCEPT', ports: [80] },
      { address: 'fd00:ec2::254', ports: [0] },
      { address: 'fd00:ec2::254', ports: [] },
    ]) {
      expect(() => validateEndpoints6({ ...sampleConfig, endpoints6: [bad] }), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'MC_ERR_NETWORK_CONFIG' }));
    }
  });
});
