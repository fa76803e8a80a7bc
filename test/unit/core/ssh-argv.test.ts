import { describe, expect, it } from 'vitest';
import { remoteCommand, sshArgv } from '../../../src/core/ssh-argv.js';

describe('ssh argv', () => {
  it.each([
    [['uname', '-a'], 'uname -a'],
    [['sh', '-c', 'exit 3'], "sh -c 'exit 3'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['printf', '%s\\n', 'a b'], "printf '%s\\n' 'a b'"],
    [['true', ''], "true ''"],
  ])('quotes %j for the remote shell', (argv, text) => expect(remoteCommand(argv)).toBe(text));

  it('uses the cloud key, no host key checks, and the netns when asked', () => {
    expect(sshArgv({ ip: '10.0.0.5', user: 'cirros', keyPath: '/k', command: ['sh', '-c', 'exit 3'], tty: false, netns: 'ns1', batch: true })).toEqual([
      'ip', 'netns', 'exec', 'ns1', 'ssh', '-i', '/k', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10', '-o', 'BatchMode=yes', '-T', 'cirros@10.0.0.5', '--', "sh -c 'exit 3'",
    ]);
  });
});
