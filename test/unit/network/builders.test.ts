import { describe, expect, it } from 'vitest';
import { buildAntispoofRuleset } from '../../../src/adapters/network/linux/antispoof-ruleset.js';
import {
  buildDhcpHostsFile,
  buildDnsHostsFile,
  buildDnsmasqArgv,
  buildDnsmasqConfig,
} from '../../../src/adapters/network/linux/dnsmasq-config.js';
import { buildIptablesCleanup, buildIptablesPlan, buildLinkLocalSnat } from '../../../src/adapters/network/linux/iptables-rules.js';
import { sampleCloudNeeds, sampleConfig, sampleHosts, sampleLinkLocalHost } from './sample-network.js';

// Golden files: `npx vitest run test/unit/network -u` rewrites them; review the diff like code.
const golden = (name: string): string => `../../../fixtures/network/${name}`;

describe('network rule and config builders (golden files in fixtures/network/)', () => {
  it('iptables rules of a hermetic cloud', async () => {
    const plan = buildIptablesPlan(sampleConfig);
    await expect(plan.restore).toMatchFileSnapshot(golden('iptables-hermetic.rules'));
    await expect(plan.jumps.map((j) => `-t ${j.table} -I ${j.chain} 1 ${j.spec.join(' ')}`).join('\n') + '\n').toMatchFileSnapshot(
      golden('iptables-jumps.txt'),
    );
  });

  it('iptables rules with --egress add MASQUERADE and routed forwarding', async () => {
    const plan = buildIptablesPlan({ ...sampleConfig, egress: true });
    await expect(plan.restore).toMatchFileSnapshot(golden('iptables-egress.rules'));
    expect(plan.restore).toContain('-j MASQUERADE');
  });

  it('every iptables rule carries the cloud tag', () => {
    const plan = buildIptablesPlan({ ...sampleConfig, egress: true });
    const rules = plan.restore.split('\n').filter((l) => l.startsWith('-A '));
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) expect(rule).toContain('--comment "minicloud:demo"');
    for (const jump of plan.jumps) expect(jump.spec).toContain('minicloud:demo');
  });

  it('nft anti-spoofing ruleset', async () => {
    await expect(buildAntispoofRuleset('demo', 'minicloud0', sampleHosts, ['mc-demo-t1', 'vnet7'])).toMatchFileSnapshot(golden('antispoof.nft'));
  });

  it('dnsmasq config, hosts files and argv', async () => {
    await expect(buildDnsmasqConfig(sampleConfig)).toMatchFileSnapshot(golden('dnsmasq.conf'));
    await expect(buildDhcpHostsFile(sampleHosts)).toMatchFileSnapshot(golden('dnsmasq.dhcp-hosts'));
    await expect(buildDnsHostsFile(sampleHosts, sampleConfig.domain)).toMatchFileSnapshot(golden('dnsmasq.dns-hosts'));
    expect(buildDnsmasqArgv(sampleConfig.stateDir)).toEqual([
      '--keep-in-foreground',
      '--conf-file=/var/lib/minicloud/clouds/demo/network/dnsmasq.conf',
    ]);
  });

  it("the clouds' metadata needs: more DNATed ports, metadata names in DNS (golden)", async () => {
    const needs = { ...sampleConfig, extraMetadataPorts: [8080], metadataNames: ['metadata.google.internal'] };
    await expect(buildIptablesPlan(needs).restore).toMatchFileSnapshot(golden('iptables-metadata-ports.rules'));
    expect(buildIptablesPlan(needs).restore).toMatch(/--dport 8080 .* -j DNAT --to-destination 10\.250\.0\.1:8775/);
    await expect(buildDnsmasqConfig(needs)).toMatchFileSnapshot(golden('dnsmasq-metadata-names.conf'));
    expect(buildDnsmasqConfig(needs)).toMatch(/^address=\/metadata\.google\.internal\/169\.254\.169\.254$/m);
  });

  it("the clouds' IPv4 needs: other endpoints, the gateway's own ports and names, forced DHCP options (golden)", async () => {
    const needs = { ...sampleConfig, ...sampleCloudNeeds };
    const rules = buildIptablesPlan(needs).restore;
    await expect(rules).toMatchFileSnapshot(golden('iptables-cloud-needs.rules'));
    for (const destination of ['168.63.129.16/32 -p tcp -m tcp --dport 80', '169.254.42.42/32 -p tcp -m tcp --dport 80', '10.250.0.1/32 -p tcp -m tcp --dport 80', '10.250.0.1/32 -p tcp -m tcp --dport 8080']) {
      expect(rules).toContain(`-A MC-demo-PRE -d ${destination} -m comment --comment "minicloud:demo" -j DNAT --to-destination 10.250.0.1:8775`);
    }
    // INPUT sees the DNATed destination: the one metadata-port ACCEPT covers every endpoint, nothing else opens.
    expect(rules.split('\n').filter((l) => l.startsWith('-A MC-demo-IN ') && l.includes('-j ACCEPT'))).toEqual(
      buildIptablesPlan(sampleConfig).restore.split('\n').filter((l) => l.startsWith('-A MC-demo-IN ') && l.includes('-j ACCEPT')),
    );
    const conf = buildDnsmasqConfig(needs);
    await expect(conf).toMatchFileSnapshot(golden('dnsmasq-cloud-needs.conf'));
    expect(conf).toMatch(/^address=\/data-server\/10\.250\.0\.1$/m);
  });

  it('DHCP per cloud: each profile\'s routes and options go only to hosts tagged with its cloud (golden)', async () => {
    const conf = buildDnsmasqConfig({ ...sampleConfig, ...sampleCloudNeeds });
    const dhcpLines = conf.split('\n').filter((l) => l.startsWith('dhcp-option'));
    expect(dhcpLines).toEqual([
      'dhcp-option=option:router,10.250.0.1',
      'dhcp-option=option:dns-server,10.250.0.1',
      'dhcp-option=tag:mc-ec2,option:classless-static-route,169.254.169.254/32,10.250.0.1,0.0.0.0/0,10.250.0.1',
      'dhcp-option=tag:mc-azure,option:classless-static-route,169.254.169.254/32,10.250.0.1,168.63.129.16/32,10.250.0.1,0.0.0.0/0,10.250.0.1',
      'dhcp-option-force=tag:mc-azure,245,168.63.129.16',
      // Scaleway: no line at all, so its guests get no option 121 (its 22.4.2 would re-add the routes).
    ]);
    // With no profiles, leases carry address, router and DNS only.
    expect(buildDnsmasqConfig(sampleConfig)).not.toMatch(/classless-static-route|dhcp-option-force/);
    await expect(buildDhcpHostsFile(sampleHosts)).toMatchFileSnapshot(golden('dnsmasq.dhcp-hosts'));
    expect(buildDhcpHostsFile(sampleHosts).split('\n')).toEqual([
      '52:54:00:00:00:0a,set:mc-ec2,10.250.0.10,web-1',
      '52:54:00:00:00:0b,set:mc-azure,10.250.0.11,web-2',
      '52:54:00:00:00:0c,set:mc-scaleway,10.250.0.12,db-1',
      '',
    ]);
    const { cloud: _none, ...untagged } = sampleHosts[1]!;
    expect(buildDhcpHostsFile([untagged])).toBe('52:54:00:00:00:0a,10.250.0.10,web-1\n');
  });

  it("a link-local guest (DigitalOcean): no lease, 169.254/16 admitted on its tap only, SNAT to its own address (golden)", async () => {
    const hosts = [...sampleHosts, sampleLinkLocalHost];
    const nft = buildAntispoofRuleset('demo', 'minicloud0', hosts, [], ['169.254.169.254', '169.254.42.42']);
    await expect(nft).toMatchFileSnapshot(golden('antispoof-link-local.nft'));
    const chainOf = (mac: string): string => [...nft.matchAll(/\tchain guest-\d+ \{\n([\s\S]*?)\n\t\}/g)].find((m) => m[1]?.includes(`ether saddr != ${mac} `))?.[1] ?? '';
    expect(chainOf(sampleLinkLocalHost.mac)).toContain('ether type ip ip saddr 169.254.0.0/16 ip saddr != { 169.254.169.254, 169.254.42.42 } accept');
    expect(chainOf(sampleLinkLocalHost.mac)).toContain('arp saddr ip 169.254.0.0/16 arp saddr ip != { 169.254.169.254, 169.254.42.42 } accept');
    expect(chainOf(sampleHosts[0]!.mac)).not.toContain('169.254.0.0/16');
    expect(buildDhcpHostsFile(hosts)).toContain('52:54:00:00:00:0d,ignore\n');
    expect(buildDhcpHostsFile(hosts)).not.toContain('10.250.0.13');
    expect(buildDnsHostsFile(hosts, 'minicloud')).toContain('10.250.0.13\tdroplet-1 droplet-1.minicloud\n');
    const snat = buildLinkLocalSnat('demo', hosts);
    await expect(snat).toMatchFileSnapshot(golden('iptables-link-local.rules'));
    expect(snat.split('\n').filter((l) => l.startsWith('-A '))).toEqual([
      '-A MC-demo-LL -s 169.254.0.0/16 -m mac --mac-source 52:54:00:00:00:0d -m comment --comment "minicloud:demo" -j SNAT --to-source 10.250.0.13',
    ]);
    expect(buildLinkLocalSnat('demo', sampleHosts)).toBe('*nat\n:MC-demo-LL - [0:0]\nCOMMIT\n');
    expect(buildIptablesPlan(sampleConfig).jumps).toContainEqual({
      table: 'nat',
      chain: 'INPUT',
      spec: ['-i', 'minicloud0', '-s', '169.254.0.0/16', '-m', 'comment', '--comment', 'minicloud:demo', '-j', 'MC-demo-LL'],
    });
  });

  it('a hermetic cloud forwards no DNS queries upstream; an egress cloud does', () => {
    expect(buildDnsmasqConfig(sampleConfig)).toMatch(/^no-resolv$/m);
    expect(buildDnsmasqConfig({ ...sampleConfig, egress: true })).not.toMatch(/^no-resolv$/m);
  });
});

describe('iptables cleanup from iptables-save output', () => {
  it('removes exactly the tagged rules and chains of one cloud', async () => {
    const save = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':MC-demo-PRE - [0:0]',
      ':MC-demo-POST - [0:0]',
      ':MC-demo2-PRE - [0:0]',
      ':MC-demo-LL - [0:0]',
      '-A INPUT -s 169.254.0.0/16 -i minicloud0 -m comment --comment "minicloud:demo" -j MC-demo-LL',
      '-A PREROUTING -i minicloud0 -m comment --comment "minicloud:demo" -j MC-demo-PRE',
      '-A PREROUTING -i minicloud0 -m comment --comment "minicloud:demo" -j MC-demo-PRE',
      '-A PREROUTING -i other0 -m comment --comment "minicloud:demo2" -j MC-demo2-PRE',
      '-A PREROUTING -i docker0 -j DOCKER',
      '-A POSTROUTING -s 10.250.0.0/24 -m comment --comment "minicloud:demo" -j MC-demo-POST',
      '-A MC-demo-PRE -d 169.254.169.254/32 -p tcp -m tcp --dport 80 -m comment --comment "minicloud:demo" -j DNAT --to-destination 10.250.0.1:8775',
      'COMMIT',
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -i docker0 -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    await expect(buildIptablesCleanup(save, 'demo')).toMatchFileSnapshot(golden('iptables-cleanup-demo.rules'));
    const all = buildIptablesCleanup(save, null) ?? '';
    expect(all).toContain('-X MC-demo2-PRE');
    expect(all).toContain('-X MC-demo-PRE');
    expect(all).not.toContain('DOCKER');
  });

  it('returns null when nothing of the cloud is there', () => {
    expect(buildIptablesCleanup('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n', 'demo')).toBeNull();
  });
});
