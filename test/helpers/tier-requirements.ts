import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

/**
 * Tier gate for tests that need root or a host tool. A test that cannot run says why: outside CI
 * it is skipped with the reason printed; in CI (CI=true) it fails, so a missing install step in
 * .ci/run can never turn into a silently green run.
 */
function missingRequirements(reqs: { root?: boolean; commands?: string[]; files?: string[] }): string[] {
  const missing: string[] = [];
  if (reqs.root && process.getuid?.() !== 0) missing.push('root (run as root, e.g. `sudo make test-netns`)');
  for (const cmd of reqs.commands ?? []) {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    } catch {
      // `command -v` exits non-zero exactly when the command is absent; that absence is the answer.
      missing.push(`command ${cmd} (install it; see .ci/run for the package)`);
    }
  }
  return missing;
}

/** `describe` that runs when the requirements are met, skips with a reason locally, fails in CI. */
export function describeWhen(
  reqs: { root?: boolean; commands?: string[] },
  name: string,
  body: () => void,
): void {
  const missing = missingRequirements(reqs);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const reason = `needs ${missing.join(', ')}`;
  if (process.env['CI']) {
    describe(name, () => {
      throw new Error(`cannot run in CI: ${reason}`);
    });
    return;
  }
  process.stderr.write(`skipping "${name}": ${reason}\n`);
  describe.skip(`${name} (skipped: ${reason})`, body);
}
