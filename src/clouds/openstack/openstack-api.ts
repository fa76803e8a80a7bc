import type { MetadataApi } from '../../metadata/metadata-api.js';
import { openstackPlugin } from '../../metadata/openstack/openstack-plugin.js';

/** Nova's OpenStack metadata API under `/openstack` (meta_data.json, network_data.json, user_data, password). */
export const openstackApi: MetadataApi = {
  name: 'openstack',
  plugin: (app, ctx) => openstackPlugin(app, { clock: ctx.clock, instances: ctx.instances, projectId: ctx.projectId }),
};
