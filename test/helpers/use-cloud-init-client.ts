import { beforeAll } from 'vitest';
import { ensureCloudInitClient, type CloudInitClient, type CloudInitVersion } from './cloud-init-client.js';

/**
 * A real cloud-init of `version`, unpacked once in the calling suite's beforeAll; the getter throws
 * (pointing at that hook's error) if it could not be.
 */
export function useCloudInitClient(version: CloudInitVersion): () => CloudInitClient {
  let client: CloudInitClient | undefined;
  beforeAll(async () => {
    client = await ensureCloudInitClient(version);
  });
  return () => {
    if (!client) throw new Error(`cloud-init ${version} was not unpacked (see the beforeAll error)`);
    return client;
  };
}
