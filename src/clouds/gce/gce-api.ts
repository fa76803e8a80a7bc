import type { MetadataApi } from '../../metadata/metadata-api.js';
import { gcePlugin } from './gce-plugin.js';

/** GCE's metadata server: `/computeMetadata/v1/` (instance, project), `Metadata-Flavor: Google` required. */
export const gceApi: MetadataApi = {
  name: 'gce',
  plugin: (app, ctx) => gcePlugin(app, { instances: ctx.instances, bus: ctx.bus, clock: ctx.clock, projectSeed: ctx.projectId }),
};
