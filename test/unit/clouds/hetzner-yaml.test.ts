import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { needsEscapes, toYaml11 } from '../../../src/clouds/hetzner/yaml-1-1.js';

/** Read back as YAML 1.1, the version PyYAML (cloud-init's reader) implements. */
const yaml11 = (text: string): unknown => parse(text, { version: '1.1' });

describe('toYaml11 (the YAML of Hetzner answers)', () => {
  it('writes PyYAML\'s block style: sequences at their key\'s indentation, maps two spaces in', () => {
    const doc = { a: 1, list: [{ k: 'v', nested: [{ x: true }] }, 'plain'], map: { inner: 'text' }, empty: [], none: {}, n: null };
    expect(toYaml11(doc)).toBe(['a: 1', 'list:', '- k: v', '  nested:', '  - x: true', '- plain', 'map:', '  inner: text', 'empty: []', 'none: {}', "'n': null", ''].join('\n'));
    expect(yaml11(toYaml11(doc))).toEqual(doc);
  });

  it('quotes every string YAML 1.1 would read as something else, and reads each back unchanged', () => {
    const tricky = [
      '52:54:00:12:34:56', '52:54:00:c1:0d:01', '12:30', '190:20:30', 'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'null', '~', '',
      '2001-12-14', '0644', '0x1f', '0b101', '1_000', '1e3', '.inf', '.NaN', '+1', '-1', '=', '<<', '- x', 'key: v', 'a #b', '#c',
      '@at', '%p', '!t', '*a', '&a', '|', '>', '?', ' lead', 'trail ', 'two  spaces', "it's", 'say "hi"', 'back\\slash',
      '#cloud-config\nruncmd:\n  - echo "ünïcødé" \n\tx\n', 'tab\there', 'cr\rlf\r\n', 'del\u007f', 'nel\u0085', 'ls\u2028ps\u2029', 'nul\u0000bell\u0007',
      'bom\ufeff', '😀', 'ssh-rsa ' + 'A'.repeat(400) + '== user@host',
    ];
    const text = toYaml11({ items: tricky });
    expect(yaml11(text)).toEqual({ items: tricky });
    // Nothing PyYAML's reader refuses or folds is written raw.
    expect([...text].filter((ch) => ch !== '\n' && needsEscapes(ch))).toEqual([]);
    // Plain where it is unambiguous, as Hetzner writes hostnames and keys.
    expect(toYaml11({ hostname: 'web-1.example.com', key: 'ssh-ed25519 AAAAC3Nza+/= me@host' })).toBe('hostname: web-1.example.com\nkey: ssh-ed25519 AAAAC3Nza+/= me@host\n');
  });

  it('refuses numbers it cannot write as YAML integers', () => {
    expect(() => toYaml11({ x: 1.5 })).toThrow(/integers only/);
  });
});
