import { describe, expect, it } from 'vitest';
import { describeCondition, firstUnmet, parseWaitFor, waitSatisfied } from '../../../src/core/wait-for.js';

describe('--wait-for', () => {
  it.each([
    ['metadata', ['metadata']],
    ['dhcp,userdata', ['dhcp', 'userdata']],
    ['ssh, ready', ['ssh', 'ready']],
    ['console:/login:/', ['console:/login:/']],
    ['metadata,console:/a,b/i,ssh', ['metadata', 'console:/a,b/i', 'ssh']],
    ['console:/x\\/y/', ['console:/x\\/y/']],
  ])('parses %s', (text, expected) => {
    expect(parseWaitFor(text).map(describeCondition)).toEqual(expected);
  });

  it.each(['', 'defined', 'bogus', 'console:login', 'console:/(/', 'metadata,,nope'])('rejects %j', (text) => {
    expect(() => parseWaitFor(text)).toThrow(expect.objectContaining({ code: 'MC_ERR_BAD_WAIT_FOR', exitCode: 1 }));
  });

  it('checks stages and console regexes together', () => {
    const conds = parseWaitFor('dhcp,console:/=== cirros: current=/');
    expect(waitSatisfied(conds, 'metadata', 'boot\n=== cirros: current=0.6\n')).toBe(true);
    expect(waitSatisfied(conds, 'booting', '=== cirros: current=')).toBe(false);
    expect(describeCondition(firstUnmet(conds, 'userdata', 'nothing') ?? conds[0]!)).toBe('console:/=== cirros: current=/');
  });
});
