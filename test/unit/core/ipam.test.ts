import { describe, expect, it } from 'vitest';
import { allocateIp, allocateMac, ipToInt, intToIp, parseSubnet, subnetsOverlap } from '../../../src/core/ipam.js';

const base = { subnet: '10.77.0.0/24', gateway: '10.77.0.1' };

describe('allocateIp', () => {
  it('starts at .10 and skips used addresses', () => {
    expect(allocateIp({ ...base, used: [] })).toBe('10.77.0.10');
    expect(allocateIp({ ...base, used: ['10.77.0.10', '10.77.0.11'] })).toBe('10.77.0.12');
  });

  it('honours a requested address', () => {
    expect(allocateIp({ ...base, used: ['10.77.0.10'], requested: '10.77.0.5' })).toBe('10.77.0.5');
  });

  it.each([
    ['10.77.1.5', 'MC_ERR_IP_OUTSIDE_SUBNET'],
    ['10.77.0.0', 'MC_ERR_IP_OUTSIDE_SUBNET'],
    ['10.77.0.1', 'MC_ERR_IP_OUTSIDE_SUBNET'],
    ['10.77.0.255', 'MC_ERR_IP_OUTSIDE_SUBNET'],
    ['not-an-ip', 'MC_ERR_IP_OUTSIDE_SUBNET'],
    ['10.77.0.10', 'MC_ERR_IP_IN_USE'],
  ])('rejects requested %s with %s', (requested, code) => {
    expect(() => allocateIp({ ...base, used: ['10.77.0.10'], requested })).toThrow(expect.objectContaining({ code }));
  });

  it('reports an exhausted pool', () => {
    const small = { subnet: '10.9.0.0/29', gateway: '10.9.0.1' };
    const used = ['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6'];
    expect(allocateIp({ ...small, used: used.slice(1) })).toBe('10.9.0.2');
    expect(() => allocateIp({ ...small, used })).toThrow(expect.objectContaining({ code: 'MC_ERR_IP_POOL_EXHAUSTED' }));
  });
});

describe('subnets', () => {
  it('parses and normalises CIDRs', () => {
    expect(parseSubnet('10.77.0.9/24')).toEqual({ network: ipToInt('10.77.0.0'), prefix: 24 });
    expect(parseSubnet('10.77.0.0')).toBeNull();
    expect(parseSubnet('10.77.0.0/33')).toBeNull();
    expect(intToIp(ipToInt('192.168.1.254') ?? 0)).toBe('192.168.1.254');
  });

  it.each([
    ['10.77.0.0/24', '10.77.0.128/25', true],
    ['10.77.0.0/24', '10.77.1.0/24', false],
    ['10.0.0.0/8', '10.77.0.0/24', true],
  ])('%s overlaps %s: %s', (a, b, overlap) => {
    const sa = parseSubnet(a);
    const sb = parseSubnet(b);
    expect(sa && sb && subnetsOverlap(sa, sb)).toBe(overlap);
  });
});

describe('allocateMac', () => {
  it('is stable per instance id, QEMU-prefixed, and avoids collisions', () => {
    const mac = allocateMac('i-0123456789abcdef0', []);
    expect(mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(allocateMac('i-0123456789abcdef0', [])).toBe(mac);
    const other = allocateMac('i-0123456789abcdef0', [mac.toUpperCase()]);
    expect(other).not.toBe(mac);
    expect(allocateMac('i-0123456789abcdef1', [])).not.toBe(mac);
  });
});
