import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostnameFromName } from '../../../src/config/instance-from-entry.js';
import { loadInstancesFile } from '../../../src/config/load-instances-file.js';
import { thrownMinicloudError } from '../../helpers/minicloud-error.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const NOW = 1_700_000_000_000;

describe('instances file: the shipped examples', () => {
  it('loads fixtures/instances.example.yaml with 127.0.0.1 first', () => {
    const records = loadInstancesFile(join(ROOT, 'fixtures/instances.example.yaml'), NOW);
    expect(records.map((r) => r.ip)).toEqual(['127.0.0.1', '10.77.0.11', '10.77.0.12']);
    const [local, web, secure] = records;
    expect(local).toMatchObject({ id: 'i-0123456789abcdef0', datasource: 'openstack', imdsv2: 'optional', createdAt: NOW });
    expect(local?.iamRole).toMatchObject({ name: 'minicloud-demo-role', accessKeyId: 'ASIAMINICLOUDEXAMPLE' });
    expect(web).toMatchObject({ datasource: 'openstack', availabilityZone: 'nova', meta: { role: 'web', tier: 'frontend' } });
    expect(new TextDecoder().decode(web?.userData ?? undefined)).toMatch(/^#cloud-config\nhostname: web-1\n/);
    expect(secure).toMatchObject({ imdsv2: 'required', instanceType: 't3.small', name: 'secure-1', hostname: 'secure-1' });
    expect(secure?.userData).toEqual(new Uint8Array(readFileSync(join(ROOT, 'fixtures/instances/hello-user-data.sh'))));
  });

  it('loads the real-client fixtures (fixtures/clients/*.yaml)', () => {
    for (const file of ['instances-imdsv1-allowed.yaml', 'instances-imdsv2-required.yaml']) {
      const [record] = loadInstancesFile(join(ROOT, 'fixtures/clients', file), NOW);
      expect(record?.ip).toBe('169.254.169.254');
      expect(record?.publicKeys).toHaveLength(1);
    }
  });
});

describe('instances file: defaults and forms', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-instances-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('fills every omitted field with a documented, deterministic default', () => {
    const path = write('min.yaml', 'instances:\n  - ip: 10.0.0.5\n');
    const [a] = loadInstancesFile(path, NOW);
    const [b] = loadInstancesFile(path, NOW + 999);
    expect(a?.id).toMatch(/^i-[0-9a-f]{17}$/);
    expect(a?.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a?.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(a?.reservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect({ ...a, createdAt: 0 }).toEqual({ ...b, createdAt: 0 });
    expect(a).toMatchObject({
      name: a?.id,
      hostname: a?.id,
      publicKeys: [],
      userData: null,
      meta: {},
      datasource: 'ec2',
      imdsv2: 'optional',
      launchIndex: 0,
      instanceType: 't3.micro',
      imageId: 'ami-00000000',
      region: 'us-east-1',
      availabilityZone: 'us-east-1a',
      securityGroups: ['default'],
      iamRole: null,
      vendorData: {},
    });
  });

  it('derives different identities for different IPs', () => {
    const [a, b] = loadInstancesFile(write('two.yaml', 'instances:\n  - ip: 10.0.0.5\n  - ip: 10.0.0.6\n'), NOW);
    expect(a?.id).not.toBe(b?.id);
    expect(a?.mac).not.toBe(b?.mac);
    expect(b?.createdAt).toBe(NOW + 1);
  });

  it('reads JSON too, and user-data as text, base64 or a file relative to the instances file', () => {
    write('ud.bin', new Uint8Array([0, 1, 2, 255]));
    const path = write(
      'i.json',
      JSON.stringify({
        instances: [
          { ip: '10.0.0.1', userData: { text: 'plain\n' } },
          { ip: '10.0.0.2', userData: { base64: 'AAEC/w==' } },
          { ip: '10.0.0.3', userData: { file: 'ud.bin' } },
          { ip: '10.0.0.4', userData: 'inline', meta: { n: 3, ok: true }, MAC: undefined },
        ],
      }),
    );
    const records = loadInstancesFile(path, NOW);
    expect(new TextDecoder().decode(records[0]?.userData ?? undefined)).toBe('plain\n');
    expect(records[1]?.userData).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(records[2]?.userData).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(records[3]?.meta).toEqual({ n: '3', ok: 'true' });
  });

  it('lowercases MACs and uuids and names keys it was given without a name', () => {
    const [r] = loadInstancesFile(
      write('k.yaml', 'instances:\n  - ip: 10.0.0.1\n    mac: 52:54:00:AB:CD:EF\n    uuid: 3F8A4C2E-1B6D-4E9F-A0C7-5D2E8B1F9A64\n    publicKeys:\n      - key: "ssh-ed25519 AAAA x"\n'),
      NOW,
    );
    expect(r?.mac).toBe('52:54:00:ab:cd:ef');
    expect(r?.uuid).toBe('3f8a4c2e-1b6d-4e9f-a0c7-5d2e8b1f9a64');
    expect(r?.publicKeys).toEqual([{ name: 'key-0', key: 'ssh-ed25519 AAAA x' }]);
  });

  it('makes a host name out of any name', () => {
    expect(hostnameFromName('Web Server #1')).toBe('web-server-1');
    expect(hostnameFromName('---')).toBe('instance');
  });
});

describe('instances file: errors name the field and the reason', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-instances-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (text: string) => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, text);
    return thrownMinicloudError(() => loadInstancesFile(path, NOW));
  };

  it('a missing file is MC_ERR_FILE_UNREADABLE', () => {
    const err = thrownMinicloudError(() => loadInstancesFile(join(dir, 'nope.yaml'), NOW));
    expect(err.code).toBe('MC_ERR_FILE_UNREADABLE');
    expect(err.message).toContain('nope.yaml: no such file');
  });

  const cases: [string, string, string, RegExp][] = [
    ['YAML syntax', 'instances:\n  - ip: [10.0.0.1\n', 'line', /line \d+, column \d+/],
    ['a duplicate key', 'instances:\n  - ip: 10.0.0.1\n    ip: 10.0.0.2\n', 'line', /unique/i],
    ['no instances list', 'hosts: []\n', '/instances', /required field is missing/],
    ['an unknown top-level field', 'instances: []\nhosts: []\n', '/hosts', /unknown field/],
    ['a missing ip', 'instances:\n  - name: a\n', '/instances/0/ip', /required field is missing/],
    ['a misspelt field', 'instances:\n  - ip: 10.0.0.1\n    hostName: x\n', '/instances/0/hostName', /unknown field/],
    ['a bad MAC', 'instances:\n  - ip: 10.0.0.1\n    mac: 52:54:00:zz:00:01\n', '/instances/0/mac', /expected a MAC address like 52:54:00:12:34:56, got "52:54:00:zz:00:01"/],
    ['a bad IP', 'instances:\n  - ip: 10.0.0.1\n  - ip: 10.0.0.256\n', '/instances/1/ip', /expected an IPv4 address/],
    ['a bad instance id', 'instances:\n  - ip: 10.0.0.1\n    id: vm1\n', '/instances/0/id', /i- and 8 or 17 lowercase hex/],
    ['a bad imdsv2 mode', 'instances:\n  - ip: 10.0.0.1\n    imdsv2: always\n', '/instances/0/imdsv2', /optional or required/],
    ['a bad user-data form', 'instances:\n  - ip: 10.0.0.1\n    userData: { path: x }\n', '/instances/0/userData', /exactly one of text, base64 or file/],
    ['bad base64', 'instances:\n  - ip: 10.0.0.1\n    userData: { base64: "not base64!" }\n', '/instances/0/userData/base64', /expected base64/],
    ['a duplicate ip', 'instances:\n  - ip: 10.0.0.1\n  - ip: 10.0.0.1\n', '/instances/1/ip', /10\.0\.0\.1 is already used by \/instances\/0/],
    ['a duplicate name', 'instances:\n  - ip: 10.0.0.1\n    name: a\n  - ip: 10.0.0.2\n    name: a\n', '/instances/1/name', /already used/],
    ['a duplicate id', 'instances:\n  - ip: 10.0.0.1\n    id: i-00000001\n  - ip: 10.0.0.2\n    id: i-00000001\n', '/instances/1/id', /already used/],
  ];
  for (const [what, text, pointer, reason] of cases) {
    it(`rejects ${what} (MC_ERR_FILE_INVALID at ${pointer})`, () => {
      const err = load(text);
      expect(err.code).toBe('MC_ERR_FILE_INVALID');
      expect(err.message).toContain(pointer === 'line' ? 'bad.yaml: line' : `bad.yaml: ${pointer}: `);
      expect(err.message).toMatch(reason);
    });
  }

  it('a user-data file that cannot be read is MC_ERR_FILE_UNREADABLE naming it and the entry', () => {
    const err = load('instances:\n  - ip: 10.0.0.1\n    userData: { file: missing.txt }\n');
    expect(err.code).toBe('MC_ERR_FILE_UNREADABLE');
    expect(err.message).toContain(join(dir, 'missing.txt'));
    expect(err.message).toContain('/instances/0');
  });
});
