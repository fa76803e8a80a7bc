import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFaultsFile, renderFaultsJsonSchema } from '../../../src/config/load-faults-file.js';
import { loadMinicloudConfig } from '../../../src/config/minicloud-config.js';
import { isMinicloudError } from '../../../src/errors/catalogue.js';
import { assertBuilt, ROOT, serveCli } from '../cli/run-cli.js';

function codeAndMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return isMinicloudError(err) ? `${err.code}: ${err.message}` : `not coded: ${String(err)}`;
  }
  return 'no error';
}

describe('the faults file (metadata serve --faults, smoke --faults) and minicloud.yaml faults:', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mc-faults-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads the issue\'s example, in YAML and in JSON', () => {
    const yaml = file('faults.yaml', [
      'faults:',
      '  - path: /latest/meta-data/**      # required',
      '    instance: web-1                  # name, id or IP; default: every instance',
      '    method: GET                      # default: any',
      '    status: 500                      # or: delay: 2s | reset: true | hang: true',
      '    times: 3                         # or: for: 30s | probability: 0.2 (seed: 42)',
      '  - path: /openstack/**',
      '    delay: 10s',
      '',
    ].join('\n'));
    expect(loadFaultsFile(yaml)).toEqual([{ path: '/latest/meta-data/**', instance: 'web-1', method: 'GET', status: 500, times: 3 }, { path: '/openstack/**', delay: '10s' }]);
    expect(loadFaultsFile(file('faults.json', '{"faults": [{"path": "/**", "reset": true, "probability": 0.2, "seed": 42}]}'))).toEqual([{ path: '/**', reset: true, probability: 0.2, seed: 42 }]);
  });

  it.each<[string, string, RegExp]>([
    ['an unknown field', 'faults:\n  - path: /**\n    status: 500\n    tims: 3\n', /MC_ERR_FILE_INVALID: .*: \/faults\/0\/tims: unknown field/],
    ['a missing path', 'faults:\n  - status: 500\n', /MC_ERR_FILE_INVALID: .*\/faults\/0\/path: required field is missing/],
    ['a bad status', 'faults:\n  - path: /**\n    status: 700\n', /MC_ERR_FILE_INVALID: .*\/faults\/0\/status/],
    ['two actions, naming the rule', 'faults:\n  - path: /a\n    reset: true\n  - path: /b\n    reset: true\n    hang: true\n', /MC_ERR_FAULT_RULE_INVALID: .*faults\.yaml: faults\[1\]: one action only, got reset and hang/],
    ['an id used twice', 'faults:\n  - {id: a, path: /a, reset: true}\n  - {id: a, path: /b, reset: true}\n', /MC_ERR_FAULT_ID_TAKEN/],
    ['an unknown cloud', 'faults:\n  - {path: /a, reset: true, cloud: nosuchcloud}\n', /MC_ERR_FAULT_RULE_INVALID: .*cloud nosuchcloud is not one of/],
    ['not YAML', 'faults: [\n', /MC_ERR_FILE_INVALID: .*line 2/],
  ])('refuses %s', (_name, text, expected) => {
    expect(codeAndMessage(() => loadFaultsFile(file('faults.yaml', text)))).toMatch(expected);
  });

  it('an unreadable file is MC_ERR_FILE_UNREADABLE', () => {
    expect(codeAndMessage(() => loadFaultsFile(join(dir, 'missing.yaml')))).toMatch(/^MC_ERR_FILE_UNREADABLE/);
  });

  it('minicloud.yaml takes the same rules under faults:', () => {
    const config = loadMinicloudConfig(file('minicloud.yaml', 'faults:\n  - path: /latest/api/token\n    method: PUT\n    status: 403\n'), { optional: false });
    expect(config.faults).toEqual([{ path: '/latest/api/token', method: 'PUT', status: 403 }]);
    expect(codeAndMessage(() => loadMinicloudConfig(file('bad.yaml', 'faults:\n  - path: /a\n    stauts: 403\n'), { optional: false }))).toMatch(/MC_ERR_FILE_INVALID/);
  });

  it('docs/faults.schema.json is up to date with the schema (run `make docs` to regenerate)', () => {
    expect(readFileSync(join(ROOT, 'docs/faults.schema.json'), 'utf8')).toBe(renderFaultsJsonSchema());
  });
});

describe('minicloud metadata serve --faults FILE (the built CLI)', () => {
  let dir: string;
  beforeEach(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'mc-serve-faults-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the file\'s rules from the first request and prints which rule shaped each answer', async () => {
    const faults = join(dir, 'faults.yaml');
    writeFileSync(faults, 'faults:\n  - path: /latest/meta-data/**\n    status: 500\n    times: 2\n');
    const server = await serveCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', join(ROOT, 'fixtures/instances.example.yaml'), '--faults', faults]);
    expect(server.stdout()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(3 instances, 1 fault rule\)\nfault f1: \* \/latest\/meta-data\/\*\* → status 500, 2 times\n/);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/latest/meta-data/instance-id`);
      await res.text();
      statuses.push(res.status);
    }
    expect(await server.stop()).toBe(0);
    expect(statuses).toEqual([500, 500, 200]);
    const lines = server.stdout().split('\n').filter((l) => l.includes(' GET /latest/meta-data/instance-id '));
    expect(lines.map((l) => / (\d{3}) \d+b .*?( fault=\S+)?$/.exec(l)?.slice(1))).toEqual([['500', ' fault=f1'], ['500', ' fault=f1'], ['200', undefined]]);
  });

  it('a bad faults file stops it before it listens (exit 1)', async () => {
    const faults = join(dir, 'faults.yaml');
    writeFileSync(faults, 'faults:\n  - path: /a\n');
    await expect(serveCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', join(ROOT, 'fixtures/instances.example.yaml'), '--faults', faults])).rejects.toThrow(/exited with 1 before listening[\s\S]*no action[\s\S]*MC_ERR_FAULT_RULE_INVALID/);
  });
});
