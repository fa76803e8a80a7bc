import { isMinicloudError, type MinicloudError } from '../../src/errors/catalogue.js';

/**
 * Runs `fn` and returns the MinicloudError it throws, for assertions on its code and message. Any other
 * error is rethrown as it is, and a call that throws nothing fails the test.
 */
export function thrownMinicloudError(fn: () => unknown): MinicloudError {
  try {
    fn();
  } catch (err) {
    if (isMinicloudError(err)) return err;
    throw err;
  }
  throw new Error('expected a MinicloudError, nothing was thrown');
}
