import { describe, expect, it } from 'vitest';
import { isMinicloudError } from '../../../src/errors/catalogue.js';
import { resolveGce } from '../../../src/clouds/gce/gce-answer.js';
import { MAX_WAIT_SEC, parseGceQuery } from '../../../src/clouds/gce/gce-query.js';
import { documentValue, gceArrayDir, gceDir, listValue, numberValue, renderJson, renderListing, renderRecursiveText, textValue } from '../../../src/clouds/gce/gce-tree.js';

/** A small tree with every kind of node. */
const tree = gceDir({
  a: gceDir({
    'machine-type': textValue('n1'),
    id: numberValue('9223372036854775807'),
    tags: listValue(['x', 'y'], 'json'),
    scopes: listValue(['s1'], 'text'),
    token: documentValue({ t: 1 }, { hiddenInRecursive: true }),
    nics: gceArrayDir([gceDir({ ip: textValue('10.0.0.2') }), gceDir({ ip: textValue('10.0.0.3') })]),
    attributes: gceDir({ 'ssh-keys': textValue('k') }, 'verbatim'),
  }),
});

describe('GCE tree renderers', () => {
  const a = tree.entries.get('a');
  if (a === undefined || a.kind !== 'dir') throw new Error('fixture tree broken');

  it('lists entries sorted, directories with a slash, each on its own line', () => {
    expect(renderListing(a)).toBe('attributes/\nid\nmachine-type\nnics/\nscopes\ntags\ntoken\n');
    expect(renderListing(gceDir({}))).toBe('');
  });

  it('writes recursive JSON with camelCase members (verbatim under attributes), indexed dirs as arrays, big numbers exact, hidden values left out', () => {
    expect(renderJson(a)).toBe('{"attributes":{"ssh-keys":"k"},"id":9223372036854775807,"machineType":"n1","nics":[{"ip":"10.0.0.2"},{"ip":"10.0.0.3"}],"scopes":["s1"],"tags":["x","y"]}');
  });

  it('writes recursive text as one "path value" line per value (per list element)', () => {
    expect(renderRecursiveText(a)).toBe('attributes/ssh-keys k\nid 9223372036854775807\nmachine-type n1\nnics/0/ip 10.0.0.2\nnics/1/ip 10.0.0.3\nscopes s1\ntags x\ntags y\n');
  });

  it('resolves values in their default form or the one alt asks for; a directory needs its slash', () => {
    const body = (segments: string[], slash: boolean, q: { recursive?: boolean; alt?: 'text' | 'json' | null } = {}) => {
      const r = resolveGce(tree, segments, slash, { recursive: q.recursive ?? false, alt: q.alt ?? null });
      return r.kind === 'answer' ? [r.answer.body, r.answer.contentType] : r.kind;
    };
    expect(body(['a', 'tags'], false)).toEqual(['["x","y"]', 'application/json']);
    expect(body(['a', 'tags'], false, { alt: 'text' })).toEqual(['x\ny\n', 'application/text']);
    expect(body(['a', 'scopes'], false)).toEqual(['s1\n', 'application/text']);
    expect(body(['a', 'machine-type'], false, { alt: 'json' })).toEqual(['"n1"', 'application/json']);
    expect(body(['a', 'token'], false, { alt: 'text' })).toEqual(['{"t":1}', 'application/text']);
    expect(body(['a'], false)).toBe('redirect');
    expect(body(['a', 'id'], true)).toBe('not-found');
    expect(body(['a', 'nope'], false)).toBe('not-found');
    expect(body([], false)).toEqual(['a/\n', 'application/text']);
    expect(body(['a', 'nics'], true, { recursive: true })).toEqual(['[{"ip":"10.0.0.2"},{"ip":"10.0.0.3"}]', 'application/json']);
  });

  it('gives equal bodies equal ETags and different bodies different ones', () => {
    const etag = (segments: string[]) => {
      const r = resolveGce(tree, segments, false, { recursive: false, alt: null });
      return r.kind === 'answer' ? r.answer.etag : r.kind;
    };
    expect(etag(['a', 'machine-type'])).toBe(etag(['a', 'machine-type']));
    expect(etag(['a', 'machine-type'])).not.toBe(etag(['a', 'id']));
  });
});

describe('GCE query parameters', () => {
  it('reads recursive and wait_for_change in any case (cloud-init sends True), alt, last_etag, timeout_sec', () => {
    expect(parseGceQuery('/x/?recursive=True')).toMatchObject({ recursive: true, alt: null, waitForChange: false });
    expect(parseGceQuery('/x?alt=JSON&wait_for_change=true&last_etag=abc&timeout_sec=60&other=1')).toEqual({
      recursive: false,
      alt: 'json',
      waitForChange: true,
      lastEtag: 'abc',
      timeoutSec: 60,
    });
    expect(parseGceQuery(`/x?timeout_sec=${MAX_WAIT_SEC + 1}`)).toMatchObject({ timeoutSec: MAX_WAIT_SEC });
  });

  it('refuses a bad alt or timeout_sec with a coded 400', () => {
    for (const url of ['/x?alt=xml', '/x?timeout_sec=0', '/x?timeout_sec=1e3', '/x?timeout_sec=']) {
      const q = parseGceQuery(url);
      expect(isMinicloudError(q) ? [q.code, q.httpStatus] : q, url).toEqual(['MC_ERR_METADATA_BAD_REQUEST', 400]);
    }
  });
});
