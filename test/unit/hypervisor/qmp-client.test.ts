import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QmpClient } from '../../../src/adapters/hypervisor/qemu/qmp-client.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-qmp-'));
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A QMP server speaking the wire protocol as QEMU 7.2 does: greeting, capabilities, events in between. */
function fakeQemu(path: string, seen: string[]): Promise<void> {
  const server = createServer((sock) => {
    sock.write('{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}\r\n');
    let buf = '';
    sock.on('data', (chunk) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as { execute: string; id: number };
        buf = buf.slice(nl + 1);
        seen.push(msg.execute);
        if (msg.execute === 'cont') sock.write('{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}\r\n');
        const reply = msg.execute === 'nope'
          ? { error: { class: 'CommandNotFound', desc: "The command nope has not been found" }, id: msg.id }
          : { return: msg.execute === 'query-status' ? { status: 'running', running: true } : {}, id: msg.id };
        sock.write(JSON.stringify(reply) + '\r\n');
      }
    });
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(path, () => resolve()));
}

describe('QmpClient', () => {
  it('negotiates capabilities, runs commands, skips events and reports QMP errors as MC_ERR_QMP_FAILED', async () => {
    const path = join(dir, 'qmp.sock');
    const seen: string[] = [];
    await fakeQemu(path, seen);
    const qmp = await QmpClient.open(path);
    try {
      await qmp.execute('cont');
      expect(await qmp.execute('query-status')).toEqual({ status: 'running', running: true });
      await expect(qmp.execute('nope')).rejects.toMatchObject({ code: 'MC_ERR_QMP_FAILED', message: expect.stringContaining('CommandNotFound') });
    } finally {
      qmp.close();
    }
    expect(seen).toEqual(['qmp_capabilities', 'cont', 'query-status', 'nope']);
  });

  it('fails with MC_ERR_QMP_FAILED when nothing listens', async () => {
    await expect(QmpClient.open(join(dir, 'absent.sock'))).rejects.toMatchObject({ code: 'MC_ERR_QMP_FAILED' });
  });
});
