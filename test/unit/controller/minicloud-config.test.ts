import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudSettings, loadMinicloudConfig, renderMinicloudJsonSchema } from '../../../src/config/minicloud-config.js';
import { declaredLaunches, declaredNames } from '../../../src/config/declared-instances.js';
import { BUILTIN_LAUNCH_DEFAULTS } from '../../../src/core/launch-defaults.js';

const FIXTURES = new URL('../../../fixtures/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(text: string): string {
  const path = join(dir, `c${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe('minicloud.yaml', () => {
  it('docs/minicloud.schema.json is up to date with the schema (run `make docs` to regenerate)', () => {
    expect(readFileSync(new URL('../../../docs/minicloud.schema.json', import.meta.url), 'utf8')).toBe(renderMinicloudJsonSchema());
  });

  it('the example that `make run` uses is valid and declares one minicirros instance', () => {
    const config = loadMinicloudConfig(join(FIXTURES, 'minicloud.example.yaml'), { optional: false });
    expect(config.instances).toEqual([expect.objectContaining({ name: 'hello', image: 'minicirros' })]);
    const [launch] = declaredLaunches(config.instances ?? [], new Set(), FIXTURES);
    expect(new TextDecoder().decode(launch?.userData[0])).toContain('hello from minicloud');
  });

  it('rejects unknown fields and bad values with a JSON pointer (exit 1)', () => {
    expect(() => loadMinicloudConfig(configFile('instances:\n  - name: a\n    image: x\n    colour: red\n'), { optional: false })).toThrow(expect.objectContaining({ code: 'MC_ERR_FILE_INVALID', exitCode: 1 }));
    expect(() => loadMinicloudConfig(configFile('hypervisor:\n  driver: xen\n'), { optional: false })).toThrow(expect.objectContaining({ message: expect.stringContaining('/hypervisor/driver') }));
    expect(() => loadMinicloudConfig(configFile('instances:\n  - name: Bad_Name\n    image: x\n'), { optional: false })).toThrow(expect.objectContaining({ code: 'MC_ERR_FILE_INVALID' }));
  });

  it('settings: flags over the file over LIBVIRT_DEFAULT_URI over built-in defaults', () => {
    const config = loadMinicloudConfig(configFile(['cloud: dev', 'hypervisor: { driver: qemu }', 'network: { subnet: 10.9.0.0/24, metadataPort: 9000 }', 'defaults: { cpus: 2, memory: 1G, disk: 4G, datasource: openstack, imdsv2: required, timeout: 90s }'].join('\n')), { optional: false });
    const env = { LIBVIRT_DEFAULT_URI: 'qemu:///system' };
    const fromFile = cloudSettings(config, {}, env, '/h');
    expect(fromFile).toEqual({
      cloudId: 'dev', bridge: 'mc-dev', subnet: '10.9.0.0/24', metadataPort: 9000, egress: false, driver: 'qemu', libvirtUri: 'qemu:///system', accelerator: undefined,
      defaults: { cpus: 2, memoryMiB: 1024, diskBytes: 4 * 2 ** 30, datasource: 'openstack', imdsv2: 'required', timeoutMs: 90_000 },
    });
    const flagged = cloudSettings(config, { cloud: 'x', subnet: '10.8.0.0/24', metadataPort: 1234, driver: 'libvirt', connect: 'test:///default', egress: true, accelerator: 'tcg', bridge: 'br-x' }, env, '/h');
    expect(flagged).toMatchObject({ cloudId: 'x', bridge: 'br-x', subnet: '10.8.0.0/24', metadataPort: 1234, driver: 'libvirt', libvirtUri: 'test:///default', egress: true, accelerator: 'tcg' });
    const bare = cloudSettings({}, {}, {}, '/h');
    expect(bare).toMatchObject({ driver: 'auto', libvirtUri: null, metadataPort: 8775, subnet: undefined, defaults: BUILTIN_LAUNCH_DEFAULTS });
    expect(bare.cloudId).toMatch(/^mc[0-9a-f]{6}$/);
  });

  it('instances: launches only what is missing, with count names like run --count', () => {
    writeFileSync(join(dir, 'ud.sh'), '#!/bin/sh\necho hi\n');
    const entries = [
      { name: 'web', image: 'minicirros', count: 3, userData: 'ud.sh', memory: '512M' },
      { name: 'db', image: './disks/db.qcow2', datasource: 'nocloud' as const },
      { name: 'cache', image: 'minicirros' },
    ];
    expect(declaredNames(entries[0]!)).toEqual(['web-1', 'web-2', 'web-3']);
    const all = declaredLaunches(entries, new Set(), dir);
    expect(all.map((l) => [l.name, l.count, l.image])).toEqual([['web', 3, 'minicirros'], ['db', 1, join(dir, 'disks/db.qcow2')], ['cache', 1, 'minicirros']]);
    expect(all[0]).toMatchObject({ memoryMiB: 512, userData: [new TextEncoder().encode('#!/bin/sh\necho hi\n')] });
    expect(all[0]).not.toHaveProperty('cpus');
    expect(all[1]).toMatchObject({ datasource: 'nocloud' });
    const some = declaredLaunches(entries, new Set(['web-2', 'db', 'cache']), dir);
    expect(some.map((l) => [l.name, l.count])).toEqual([['web-1', 1], ['web-3', 1]]);
    expect(declaredLaunches(entries, new Set(['web-1', 'web-2', 'web-3', 'db', 'cache']), dir)).toEqual([]);
    expect(() => declaredLaunches([{ name: 'x', image: 'minicirros', userData: 'missing.sh' }], new Set(), dir)).toThrow(expect.objectContaining({ code: 'MC_ERR_FILE_UNREADABLE', exitCode: 1 }));
  });
});
