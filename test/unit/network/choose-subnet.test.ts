import { describe, expect, it } from 'vitest';
import { chooseSubnet } from '../../../src/adapters/network/choose-subnet.js';

const own = { ownBridge: 'minicloud0' };

describe('chooseSubnet', () => {
  it('takes the first candidate on a host with no overlapping routes; default routes do not count', () => {
    expect(chooseSubnet([{ destination: '0.0.0.0/0', device: 'eth0' }, { destination: '192.168.1.0/24', device: 'eth0' }], own)).toEqual({
      subnet: '10.250.0.0/24',
      gateway: '10.250.0.1',
    });
  });

  it('skips candidates that overlap existing routes, including wider ones', () => {
    const routes = [
      { destination: '10.250.0.0/24', device: 'virbr0' },
      { destination: '10.250.1.128/25', device: 'tun0' },
      { destination: '10.250.2.7/32', device: 'wg0' },
    ];
    expect(chooseSubnet(routes, own).subnet).toBe('10.250.3.0/24');
    expect(() => chooseSubnet([{ destination: '10.0.0.0/8', device: 'vpn0' }], own)).toThrow(
      expect.objectContaining({ code: 'MC_ERR_NETWORK_NO_FREE_SUBNET' }),
    );
  });

  it('ignores routes on its own bridge, so a restarted cloud keeps its subnet', () => {
    expect(chooseSubnet([{ destination: '10.250.0.0/24', device: 'minicloud0' }], own).subnet).toBe('10.250.0.0/24');
  });

  it('checks a forced subnet and explains a clash', () => {
    expect(chooseSubnet([], { ...own, forced: '192.168.77.0/24' })).toEqual({ subnet: '192.168.77.0/24', gateway: '192.168.77.1' });
    expect(() => chooseSubnet([{ destination: '192.168.0.0/16', device: 'eth0' }], { ...own, forced: '192.168.77.0/24' })).toThrow(
      expect.objectContaining({ code: 'MC_ERR_NETWORK_SUBNET_IN_USE', message: expect.stringContaining('192.168.0.0/16 on eth0') }),
    );
    expect(() => chooseSubnet([], { ...own, forced: '10.1.2.3/24' })).toThrow(expect.objectContaining({ code: 'MC_ERR_NETWORK_CONFIG' }));
  });
});
