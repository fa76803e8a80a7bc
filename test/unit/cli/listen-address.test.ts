import { describe, expect, it } from 'vitest';
import { httpUrl, parseListenAddress } from '../../../src/config/listen-address.js';

describe('--listen HOST:PORT', () => {
  it.each([
    ['127.0.0.1:8775', { host: '127.0.0.1', port: 8775 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['169.254.169.254:80', { host: '169.254.169.254', port: 80 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:8775', { host: '::1', port: 8775 }],
  ])('accepts %s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(['', '8775', ':8775', '127.0.0.1', '127.0.0.1:', '127.0.0.1:65536', '::1:80', 'host name:80', '127.0.0.1:-1'])(
    'rejects %j with MC_ERR_USAGE',
    (text) => {
      expect(() => parseListenAddress(text)).toThrow(/--listen: expected HOST:PORT/);
    },
  );

  it('prints IPv6 URLs with brackets', () => {
    expect(httpUrl({ host: '::1', port: 80 })).toBe('http://[::1]:80');
    expect(httpUrl({ host: '10.0.0.1', port: 8775 })).toBe('http://10.0.0.1:8775');
  });
});
