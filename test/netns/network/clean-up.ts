/**
 * Runs every cleanup step in order, even when an earlier one fails (a failed driver kill must not leave a
 * namespace or a temp dir behind), then throws all the failures together.
 */
export async function cleanUpAll(label: string, steps: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${label}: cleanup failed`);
}
