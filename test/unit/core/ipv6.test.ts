import { describe, expect, it } from 'vitest';
import {
  canonicalIpv6,
  cloudIpv6,
  eui64InterfaceId,
  formatIpv6,
  guestIpv6,
  guestMacOfIpv6Source,
  ipv6Hex,
  macFromEui64,
  parseIpv6,
} from '../../../src/core/ipv6.js';

describe('IPv6 addressing of a cloud (src/core/ipv6.ts)', () => {
  it('parses and prints RFC 5952 text', () => {
    expect(canonicalIpv6('FD00:EC2:0:0:0:0:0:254')).toBe('fd00:ec2::254');
    expect(canonicalIpv6('fe80::a9fe:a9fe%minicloud0')).toBe('fe80::a9fe:a9fe');
    expect(canonicalIpv6('::')).toBe('::');
    expect(canonicalIpv6('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(canonicalIpv6('1:0:2:3:4:5:6:7')).toBe('1:0:2:3:4:5:6:7'); // a single zero group is not compressed
    expect(formatIpv6([0xfd00, 0xa9fe, 0xa9fe, 0, 0, 0, 0, 1])).toBe('fd00:a9fe:a9fe::1');
    for (const bad of ['', '1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', '10.0.0.1']) expect(parseIpv6(bad), bad).toBeNull();
  });

  it('EUI-64 from a MAC and back (RFC 4291 appendix A: U/L bit flipped)', () => {
    expect(formatIpv6([0xfe80, 0, 0, 0, ...eui64InterfaceId('52:54:00:aa:00:01')])).toBe('fe80::5054:ff:feaa:1');
    expect(macFromEui64('fe80::5054:ff:feaa:1')).toBe('52:54:00:aa:00:01');
    expect(macFromEui64('fd12:3456:789a:1:5054:ff:feaa:1')).toBe('52:54:00:aa:00:01');
    expect(macFromEui64('fd00:ec2::254')).toBeNull();
  });

  it("a cloud's ULA /64 follows from its id, outside fd00::/16", () => {
    const a = cloudIpv6('demo');
    expect(cloudIpv6('demo')).toEqual(a);
    expect(cloudIpv6('other').prefix).not.toBe(a.prefix);
    expect(a.prefix).toMatch(/^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
    expect(a.gateway).toBe(`${a.prefix.slice(0, -3)}1`);
    for (const id of ['a', 'b', 'c', 'demo', 'nettest', 'minicloud', 'x1', 'x2', 'x3', 'x4']) expect(cloudIpv6(id).prefix.startsWith('fd00:'), id).toBe(false);
  });

  it("a guest's two addresses, and which sources name a guest", () => {
    const cloud = cloudIpv6('demo');
    const g = guestIpv6(cloud, '52:54:00:aa:00:01');
    expect(g.linkLocal).toBe('fe80::5054:ff:feaa:1');
    expect(g.global).toBe(`${cloud.prefix.slice(0, -5)}:0:5054:ff:feaa:1`);
    expect(guestMacOfIpv6Source(g.global)).toBe('52:54:00:aa:00:01');
    expect(guestMacOfIpv6Source(`${g.linkLocal}%minicloud0`)).toBe('52:54:00:aa:00:01');
    // Not a guest's own kind of address: global unicast, loopback, a non-EUI-64 id.
    expect(guestMacOfIpv6Source('2001:db8::5054:ff:feaa:1')).toBeNull();
    expect(guestMacOfIpv6Source('::1')).toBeNull();
    expect(guestMacOfIpv6Source('fe80::1')).toBeNull();
    expect(ipv6Hex('fe80::5054:ff:feaa:1')).toBe('fe80000000000000505400fffeaa0001');
  });
});
