// The tmux harness must read a pane's exit status even when tmux loses the pane's SIGCHLD.
// Debian's tmux is built with libutempter: when a pane's terminal closes it runs the utmp helper
// (`utempter del`) with SIGCHLD at SIG_DFL until that helper is reaped, so a pane process that
// exits meanwhile stays a zombie tmux never reaps, and the pane is dead without a status. `up`
// hits that window by chance (it closes the terminal by exiting); the pane here hits it on purpose:
// it closes the terminal, waits until tmux's helper is running, then exits.
import { expect, it } from 'vitest';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { TmuxTerminal } from '../../helpers/tmux.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The pane's process (sh, quick to exit): hang-ups ignored (tmux hangs the terminal up after its
// helper; that must not change the status), a moment for tmux to finish starting the pane, the
// terminal closed, then a fork-free busy wait until a child of tmux named utempter runs, and exit 3.
// Measured here: every pane lands in the window, and without the fix none reports a status. Where
// tmux has no utempter helper it exits 3 after the loop (a few seconds).
const EXIT_DURING_UTEMPTER = `
trap '' HUP
t=$PPID
sleep 0.3
exec </dev/null >/dev/null 2>&1
i=0
while [ $i -lt 300000 ]; do
  read -r kids < /proc/$t/task/$t/children
  for k in $kids; do
    read -r c < /proc/$k/comm && [ "$c" = utempter ] && exit 3
  done
  i=$((i+1))
done
exit 3
`;

describeWhen({ commands: ['tmux', 'sh', 'sleep'] }, 'TmuxTerminal.exitStatus', () => {
  it('reports the status of a pane whose process exits while tmux runs its utmp helper (3 panes)', async () => {
    for (let i = 0; i < 3; i += 1) {
      const term = await TmuxTerminal.start({ argv: ['sh', '-c', EXIT_DURING_UTEMPTER], columns: 40, rows: 10 });
      try {
        const deadline = Date.now() + 10_000;
        let status: number | null = null;
        while ((status = await term.exitStatus()) === null) {
          if (Date.now() > deadline) throw new Error(`pane ${i}: no exit status after 10 s (pane process ${await term.panePid()})`);
          await sleep(100);
        }
        expect(status).toBe(3);
      } finally {
        await term.kill();
      }
    }
  });
});
