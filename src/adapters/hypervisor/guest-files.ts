import { join } from 'node:path';

/**
 * The per-instance files a driver keeps in `GuestSpec.runDir`. Fixed names so a restarted controller
 * (or `prune`) finds a guest's pid, QMP socket and tag without any database.
 */
export interface GuestFiles {
  /** QMP control socket (qemu driver). */
  qmpSocket: string;
  /** Interactive serial console socket (both drivers); output is also logged to the console log. */
  consoleSocket: string;
  /** QEMU's pid file (qemu driver). */
  pidFile: string;
  /** The spec this guest was defined with, as JSON: the tag prune reads (qemu driver; libvirt keeps it in `<metadata>`). */
  specFile: string;
  /** QEMU's own stderr (qemu driver), for start-failure messages. */
  stderrLog: string;
}

export function guestFiles(runDir: string): GuestFiles {
  return {
    qmpSocket: join(runDir, 'qmp.sock'),
    consoleSocket: join(runDir, 'console.sock'),
    pidFile: join(runDir, 'qemu.pid'),
    specFile: join(runDir, 'guest.json'),
    stderrLog: join(runDir, 'qemu.stderr.log'),
  };
}
