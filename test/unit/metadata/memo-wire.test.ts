import { describe, expect, it } from 'vitest';
import { wireBytes, wireHead } from '../../../src/metadata/memo-wire.js';
import type { MemoEntry } from '../../../src/metadata/response-memo.js';

function entry(headers: MemoEntry['headers'], status = 200): MemoEntry {
  return { status, headers, body: Buffer.from('hello'), record: { instanceId: 'i-1', status, bytes: 5, flavour: 'ec2' } };
}

// Byte equality with node:http's own output is proven over real sockets in response-memo.test.ts;
// these pin the pieces and the entries left to node:http.
describe('memo-wire', () => {
  it('lays out status line, headers in order (arrays one line each), Date, keep-alive lines, then the body', () => {
    const head = wireHead(entry({ 'content-type': 'text/plain', 'content-length': 5, 'x-multi': ['a', 'b'] }), 5000);
    expect(head).not.toBeNull();
    const bytes = wireBytes(head!, 'Wed, 25 Nov 2026 15:00:00 GMT', Buffer.from('hello'));
    expect(bytes.toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\nx-multi: a\r\nx-multi: b\r\n' +
        'Date: Wed, 25 Nov 2026 15:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nhello',
    );
    expect(wireBytes(head!, 'D', null).toString('latin1').endsWith('Keep-Alive: timeout=5\r\n\r\n')).toBe(true);
    expect(wireHead(entry({ 'content-length': 5 }, 404), 5000)?.before.startsWith('HTTP/1.1 404 Not Found\r\n')).toBe(true);
  });

  it('writes no Keep-Alive line when the keep-alive timeout is 0, as node:http does', () => {
    expect(wireHead(entry({ 'content-length': 5 }), 0)?.after).toBe('Connection: keep-alive\r\n\r\n');
  });

  it('leaves to node:http what it would frame otherwise: no Content-Length, or headers it owns', () => {
    expect(wireHead(entry({ 'content-type': 'text/plain' }), 5000)).toBeNull();
    for (const owned of ['Date', 'connection', 'Keep-Alive', 'transfer-encoding']) {
      expect(wireHead(entry({ 'content-length': 5, [owned]: 'x' }), 5000), owned).toBeNull();
    }
  });
});
