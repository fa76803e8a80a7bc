import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstance, listeningHarness, type Harness } from './metadata-test-kit.js';

const MIB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
/** CHUNK as one chunk of a chunked body. */
const FRAMED_CHUNK = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]);

interface Upload {
  /** Everything the server answered. */
  answer: string;
  /** Body bytes the client managed to hand to its socket before the connection ended. */
  written: number;
  /** Bytes the server's socket read from the connection (head and body). */
  serverRead: number;
}

/**
 * Sends `head` and then up to `bodyBytes` of body as fast as the socket takes it, until the server ends
 * the connection. Resolves once the connection is closed on both sides.
 */
async function upload(port: number, serverSockets: Socket[], head: string, bodyBytes: number): Promise<Upload> {
  const before = serverSockets.length;
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.on('error', () => {}); // EPIPE / ECONNRESET once the server has closed: what this test expects
  const closed = new Promise<void>((ok) => socket.once('close', () => ok()));
  socket.write(head);
  const chunk = /transfer-encoding: chunked/i.test(head) ? FRAMED_CHUNK : CHUNK;
  let written = 0;
  while (written < bodyBytes && !socket.destroyed) {
    written += CHUNK.length;
    if (!socket.write(chunk)) await Promise.race([new Promise((ok) => socket.once('drain', ok)), closed]);
  }
  socket.end();
  await closed;
  const server = serverSockets[before];
  if (server === undefined) throw new Error('the server saw no connection');
  if (!server.destroyed) await new Promise<void>((ok) => server.once('close', () => ok()));
  return { answer, written, serverRead: server.bytesRead };
}

/**
 * A body over the limit is refused without reading the rest: the connection is closed after the answer,
 * so a client that keeps sending costs the server neither time nor memory in proportion to what it sends.
 */
describe('oversized request bodies', () => {
  let h: (Harness & { port: number }) | undefined;
  afterEach(async () => {
    await h?.app.close();
    h = undefined;
  });

  it('answers an oversized password POST with 400 and closes without reading the rest of the body', async () => {
    h = await listeningHarness([fixtureInstance({ ip: '127.0.0.1' })]);
    const serverSockets: Socket[] = [];
    h.app.server.on('connection', (s: Socket) => serverSockets.push(s));
    const rssBefore = process.memoryUsage().rss;
    for (const framing of ['Content-Length: 10485760', 'Transfer-Encoding: chunked', 'Content-Length: 10485760', 'Transfer-Encoding: chunked']) {
      const head = `POST /openstack/latest/password HTTP/1.1\r\nHost: 169.254.169.254\r\n${framing}\r\n\r\n`;
      const sent = await upload(h.port, serverSockets, head, 10 * MIB);
      expect(sent.answer, framing).toMatch(/^HTTP\/1\.1 400 [\s\S]*[Cc]onnection: close[\s\S]*MC_ERR_METADATA_PASSWORD_TOO_LONG/);
      // The server read at most a little past the limit (what arrived with the first packets), not the body.
      expect(sent.serverRead, framing).toBeLessThan(MIB);
      expect(sent.written, framing).toBeLessThan(10 * MIB);
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(16 * MIB);
    expect(h.requestLog.query({}).map((r) => r.status)).toEqual([400, 400, 400, 400]);
  });

  it('closes the same way after a 413 on any other route', async () => {
    h = await listeningHarness([fixtureInstance({ ip: '127.0.0.1' })]);
    const serverSockets: Socket[] = [];
    h.app.server.on('connection', (s: Socket) => serverSockets.push(s));
    const head = 'POST /latest/meta-data/instance-id HTTP/1.1\r\nHost: 169.254.169.254\r\nTransfer-Encoding: chunked\r\n\r\n';
    const sent = await upload(h.port, serverSockets, head, 10 * MIB);
    expect(sent.answer).toMatch(/^HTTP\/1\.1 413 [\s\S]*MC_ERR_METADATA_BODY_TOO_LARGE/);
    expect(sent.serverRead).toBeLessThan(MIB);
  });

  it('closes without reading the body when it refuses a request before any handler (unknown source, %2F)', async () => {
    // The only instance is elsewhere: 127.0.0.1 is an unknown source.
    h = await listeningHarness([fixtureInstance({ ip: '127.0.0.2' })]);
    const serverSockets: Socket[] = [];
    h.app.server.on('connection', (s: Socket) => serverSockets.push(s));
    for (const path of ['/openstack/latest/password', '/openstack/latest%2Fpassword']) {
      const head = `POST ${path} HTTP/1.1\r\nHost: 169.254.169.254\r\nContent-Length: 10485760\r\n\r\n`;
      const sent = await upload(h.port, serverSockets, head, 10 * MIB);
      expect(sent.answer, path).toMatch(/^HTTP\/1\.1 404 [\s\S]*[Cc]onnection: close/);
      expect(sent.serverRead, path).toBeLessThan(MIB);
    }
  });
});
