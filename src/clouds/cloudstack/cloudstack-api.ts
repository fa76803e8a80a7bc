import { derivedUuid } from '../../core/derived-ids.js';
import { cloudStackPlugin } from '../../metadata/cloudstack/cloudstack-plugin.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';

/**
 * CloudStack's virtual router as a guest meets it: the EC2-style tree under `/latest/` and the password
 * server (src/metadata/cloudstack/), on ports 80 and 8080 of the router's address, which is the guest's
 * DHCP server and gateway (minicloud's bridge address, DNATed to the metadata server).
 */
export const cloudStackApi: MetadataApi = {
  name: 'cloudstack',
  plugin: async (app, ctx) =>
    cloudStackPlugin(app, {
      flavour: 'cloudstack',
      versions: ['latest'],
      instances: ctx.instances,
      passwordSecret: ctx.tokenSecret,
      tree: { cloudIdentifier: `CloudStack-{${derivedUuid(`cloudstack-cloud:${ctx.accountId}`)}}` },
    }),
};
