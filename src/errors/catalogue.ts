import { azureErrors } from './codes/azure-errors.js';
import { cliErrors } from './codes/cli-errors.js';
import { configErrors } from './codes/config-errors.js';
import { controllerErrors } from './codes/controller-errors.js';
import { eventErrors } from './codes/event-errors.js';
import { faultErrors } from './codes/fault-errors.js';
import { hypervisorErrors } from './codes/hypervisor-errors.js';
import { imagesErrors } from './codes/images-errors.js';
import { metadataErrors } from './codes/metadata-errors.js';
import { networkErrors } from './codes/network-errors.js';
import { smokeErrors } from './codes/smoke-errors.js';
import { storeErrors } from './codes/store-errors.js';

/**
 * The one catalogue of coded errors. Call sites throw `errors.someName(args)`; they never build
 * messages themselves. Each area keeps its codes in src/errors/codes/<area>-errors.ts.
 */
export const errors = {
  ...cliErrors,
  ...configErrors,
  ...storeErrors,
  ...metadataErrors,
  ...networkErrors,
  ...hypervisorErrors,
  ...imagesErrors,
  ...controllerErrors,
  ...smokeErrors,
  ...faultErrors,
  ...eventErrors,
  ...azureErrors,
};

import { isMinicloudError, type MinicloudError } from './minicloud-error.js';

export { MinicloudError, isMinicloudError } from './minicloud-error.js';
export { ExitCode } from './exit-codes.js';

/**
 * The error as a coded one: a MinicloudError as it is, anything else (a bug) as MC_ERR_INTERNAL with
 * the original as its cause. For the places that must answer with a code (HTTP APIs, reports).
 */
export function asCodedError(err: unknown): MinicloudError {
  if (isMinicloudError(err)) return err;
  return errors.internal(err instanceof Error ? err.message : String(err)).causedBy(err);
}
