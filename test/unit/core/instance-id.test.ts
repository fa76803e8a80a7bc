import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { defaultInstanceName, INSTANCE_ID_PATTERN, newInstanceId, newUuid, UUID_PATTERN } from '../../../src/core/instance-id.js';

const fixed = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);

describe('instance ids', () => {
  it('are i- plus 17 lowercase hex digits', () => {
    expect(newInstanceId(fixed(0xab))).toBe('i-ababababababababa');
    for (let i = 0; i < 50; i += 1) expect(newInstanceId(randomBytes)).toMatch(INSTANCE_ID_PATTERN);
  });

  it('uuids are RFC 4122 version 4', () => {
    expect(newUuid(fixed(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(newUuid(fixed(0))).toBe('00000000-0000-4000-8000-000000000000');
    for (let i = 0; i < 50; i += 1) expect(newUuid(randomBytes)).toMatch(UUID_PATTERN);
  });

  it.each([
    ['minicirros', 'i-0123456789abcdef0', 'minicirros-01234'],
    ['/tmp/My Image.qcow2', 'i-fedcba98765432100', 'tmp-my-image-qcow2-fedcb'],
    ['***', 'i-00000000000000000', 'vm-00000'],
  ])('default name for %s', (image, id, name) => {
    expect(defaultInstanceName(image, id)).toBe(name);
  });
});
