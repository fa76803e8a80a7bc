import { describe, expect, it } from 'vitest';
import { compileGlob, pathSegments } from '../../../src/core/fault-glob.js';
import { FaultBook } from '../../../src/core/fault-book.js';
import { seededRandom } from '../../../src/core/seeded-random.js';

/**
 * The segment matcher of fault-glob.ts against the language's definition (docs/faults.md), written as
 * the anchored regex the matcher replaced (bench/faults measured it 15-20x costlier with 1,000 rules):
 * `*` is `[^/]*`, a `/**` segment is `(?:/[^/]*)*`, then an optional trailing slash.
 */
function referenceRegex(glob: string): RegExp {
  const trimmed = glob.length > 1 && glob.endsWith('/') ? glob.slice(0, -1) : glob;
  let pattern = '^';
  for (const segment of trimmed.slice(1).split('/')) {
    if (segment === '**') pattern += '(?:/[^/]*)*';
    else pattern += `/${segment.split('*').map((t) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}`;
  }
  return new RegExp(`${pattern}/?$`);
}

const GLOB_SEGMENTS = ['a', 'b', 'ab', '*', 'a*', '*b', 'a*b', '*a*', '**', '', 'a.b'];
const PATH_SEGMENTS = ['a', 'b', 'ab', 'aab', 'ba', 'abab', '', 'a.b', 'axb', 'x'];

function pick<T>(random: () => number, xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)] as T;
}

describe('fault globs match path segments exactly as the language defines them', () => {
  it('agrees with the reference regex on 40,000 seeded glob/path pairs (trailing slashes, **, * within segments, empty segments)', () => {
    const random = seededRandom(14);
    let matched = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const glob = `/${Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, GLOB_SEGMENTS)).join('/')}${random() < 0.2 ? '/' : ''}`;
      if (/\*\*[^/]|[^/]\*\*/.test(glob)) continue; // refused by compileGlob (** within a segment)
      const path = `/${Array.from({ length: Math.floor(random() * 5) }, () => pick(random, PATH_SEGMENTS)).join('/')}${random() < 0.2 ? '/' : ''}`;
      const expected = referenceRegex(glob).test(path);
      if (compileGlob(glob, 'test').matches(path) !== expected) disagreements.push(`${glob} ${path} expected ${expected}`);
      if (expected) matched++;
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // Both outcomes were exercised, often.
    expect(matched).toBeGreaterThan(2_000);
  });

  it('a path that does not start with / matches no glob, not even /**', () => {
    expect(pathSegments('*')).toBeNull();
    expect(compileGlob('/**', 'test').matches('*')).toBe(false);
  });

  it('FaultBook splits the path once and still picks the first rule that matches', () => {
    const book = new FaultBook({ now: () => 0, seed: () => 1, clouds: ['ec2'], publish: () => {} });
    book.addAll([{ path: '/latest/*/never', status: 500 }, { path: '/latest/meta-data/**', status: 503 }, { path: '/**', status: 502 }]);
    const subject = { method: 'GET', instanceId: 'i-1', instanceName: 'a', ip: '10.0.0.2', cloud: 'ec2' };
    expect(book.decide({ ...subject, path: '/latest/meta-data/instance-id' })?.id).toBe('f2');
    expect(book.decide({ ...subject, path: '/latest/user-data' })?.id).toBe('f3');
    expect(book.decide({ ...subject, path: '*' })).toBeNull();
  });
});
