import { derivedUuid } from '../../core/derived-ids.js';
import { cloudStackPlugin } from '../../metadata/cloudstack/cloudstack-plugin.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';

/**
 * Exoscale's metadata server: CloudStack's virtual-router tree and password server
 * (src/metadata/cloudstack/), under `/1.0/` (cloud-init's DataSourceExoscale) and `/latest/` (Exoscale's
 * documentation), both on 169.254.169.254 (the password server on its port 8080).
 */
export const exoscaleApi: MetadataApi = {
  name: 'exoscale',
  plugin: async (app, ctx) =>
    cloudStackPlugin(app, {
      flavour: 'exoscale',
      versions: ['1.0', 'latest'],
      instances: ctx.instances,
      passwordSecret: ctx.tokenSecret,
      tree: { cloudIdentifier: `CloudStack-{${derivedUuid(`exoscale-cloud:${ctx.accountId}`)}}` },
    }),
};
