import { ec2Plugin } from '../../metadata/ec2/ec2-plugin.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';

/** EC2's instance metadata service (IMDSv1 and v2) at `/` and `/<version>/…`; Nova serves it too. */
export const ec2Api: MetadataApi = {
  name: 'ec2',
  plugin: (app, ctx) => ec2Plugin(app, { clock: ctx.clock, tokenSecret: ctx.tokenSecret }),
};
