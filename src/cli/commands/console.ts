import { cliCloud, err, untilSignal } from './cli-context.js';

/** Ctrl-] (0x1d), telnet's and virsh's escape: detaches from the console. Never sent to the guest. */
export const DETACH_BYTE = 0x1d;

/** Splits typed bytes at the detach key: what goes to the guest, and whether to detach. Pure. */
export function keystrokes(chunk: Buffer): { forward: Buffer; detach: boolean } {
  const at = chunk.indexOf(DETACH_BYTE);
  return at < 0 ? { forward: chunk, detach: false } : { forward: chunk.subarray(0, at), detach: true };
}

/**
 * `minicloud console ID`: the terminal on the guest's serial line, through the controller (so it works
 * the same for both drivers and from outside the cloud's netns). On a terminal, stdin is raw: Ctrl-C
 * and the like go to the guest; Ctrl-] detaches. Piped stdin is sent, and the console detaches a moment
 * after it ends (so the guest's answer is still printed).
 */
export async function runConsole(ref: string): Promise<void> {
  const { client } = cliCloud();
  const info = await client.info(ref);
  const socket = await client.attachConsole(info.id);
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  err(`connected to the serial console of ${info.name} (${info.id}); ${tty ? 'Ctrl-] detaches' : 'detaches when input ends'}`);
  const stop = untilSignal();
  if (tty) stdin.setRawMode(true);
  try {
    await new Promise<void>((resolve) => {
      let graceTimer: NodeJS.Timeout | null = null;
      const finish = (): void => {
        if (graceTimer) clearTimeout(graceTimer);
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
        socket.destroy();
        resolve();
      };
      const onData = (chunk: Buffer): void => {
        const { forward, detach } = keystrokes(chunk);
        if (forward.length > 0) socket.write(forward);
        if (detach) finish();
      };
      const onEnd = (): void => {
        graceTimer = setTimeout(finish, 1000);
      };
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
      socket.on('data', (chunk: Buffer) => process.stdout.write(chunk));
      socket.once('close', finish);
      socket.once('error', finish);
      stop.signal.addEventListener('abort', finish, { once: true });
    });
  } finally {
    if (tty) stdin.setRawMode(false);
    stop.cleanup();
  }
  err(`\r\ndetached from ${info.name}`);
}
