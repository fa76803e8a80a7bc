import { describe, expect, it } from 'vitest';
import { parseSimpleRequest } from '../../../src/metadata/simple-request.js';

const head = (...lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
const HOST = 'Host: 169.254.169.254';

describe('parseSimpleRequest (what the socket fast path may answer itself)', () => {
  it('reads method, raw target, the first User-Agent (trimmed) and where the request ends', () => {
    const bytes = head('GET /latest/meta-data/instance-id?x=%2F HTTP/1.1', HOST, 'User-Agent:   Cloud-Init/22.4.2  ', 'User-Agent: second', 'Accept: */*', 'Connection: Keep-Alive');
    expect(parseSimpleRequest(bytes, 0, 8192)).toEqual({ method: 'GET', url: '/latest/meta-data/instance-id?x=%2F', userAgent: 'Cloud-Init/22.4.2', end: bytes.length });
    expect(parseSimpleRequest(head('HEAD / HTTP/1.1', HOST), 0, 8192)).toMatchObject({ method: 'HEAD', url: '/', userAgent: null });
  });

  it('parses pipelined requests from an offset', () => {
    const one = head('GET /a HTTP/1.1', HOST);
    const two = head('HEAD /b HTTP/1.1', HOST);
    const both = Buffer.concat([one, two]);
    const first = parseSimpleRequest(both, 0, 8192);
    expect(first?.end).toBe(one.length);
    expect(parseSimpleRequest(both, first?.end ?? 0, 8192)).toMatchObject({ method: 'HEAD', url: '/b', end: both.length });
  });

  // Each of these is left to node:http, which knows what it means (an answer, an error, a body, a close).
  const notSimple: [string, Buffer][] = [
    ['incomplete head', Buffer.from(`GET / HTTP/1.1\r\n${HOST}\r\n`, 'latin1')],
    ['POST', head('POST /openstack/latest/password HTTP/1.1', HOST)],
    ['PUT (IMDSv2 token)', head('PUT /latest/api/token HTTP/1.1', HOST)],
    ['lower-case method', head('get / HTTP/1.1', HOST)],
    ['HTTP/1.0', head('GET / HTTP/1.0', HOST)],
    ['absolute-form target', head('GET http://169.254.169.254/ HTTP/1.1', HOST)],
    ['no Host', head('GET / HTTP/1.1')],
    ['two Hosts', head('GET / HTTP/1.1', HOST, HOST)],
    ['token header', head('GET / HTTP/1.1', HOST, 'X-aws-ec2-metadata-token: abc')],
    ['X-Forwarded-For', head('GET / HTTP/1.1', HOST, 'X-Forwarded-For: 10.0.0.1')],
    ['Content-Length', head('GET / HTTP/1.1', HOST, 'Content-Length: 0')],
    ['Transfer-Encoding', head('GET / HTTP/1.1', HOST, 'Transfer-Encoding: chunked')],
    ['Connection: close', head('GET / HTTP/1.1', HOST, 'Connection: close')],
    ['Upgrade', head('GET / HTTP/1.1', HOST, 'Upgrade: websocket')],
    ['Expect', head('GET / HTTP/1.1', HOST, 'Expect: 100-continue')],
    ['obs-fold', head('GET / HTTP/1.1', HOST, 'User-Agent: a', ' folded')],
    ['space before the colon', head('GET / HTTP/1.1', HOST, 'User-Agent : a')],
    ['bare LF in a value', head('GET / HTTP/1.1', HOST, 'User-Agent: a\nb')],
    ['byte >= 0x80 in a value', head('GET / HTTP/1.1', HOST, 'User-Agent: caf\u00e9')],
    ['control byte in the target', head('GET /a\u0001 HTTP/1.1', HOST)],
    ['leading empty line', Buffer.concat([Buffer.from('\r\n'), head('GET / HTTP/1.1', HOST)])],
  ];
  it.each(notSimple)('not simple: %s', (_what, bytes) => {
    expect(parseSimpleRequest(bytes, 0, 8192)).toBeNull();
  });

  it('not simple when the head is longer than the limit (node:http answers 431)', () => {
    const bytes = head('GET / HTTP/1.1', HOST, `User-Agent: ${'a'.repeat(200)}`);
    expect(parseSimpleRequest(bytes, 0, bytes.length)).not.toBeNull();
    expect(parseSimpleRequest(bytes, 0, bytes.length - 1)).toBeNull();
  });
});
