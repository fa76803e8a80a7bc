import { ec2Plugin } from '../../metadata/ec2/ec2-plugin.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';

/** The EC2-compatible metadata API (IMDSv1 and v2) at `/` and `/<version>/…`, as Nova serves it beside its own: no cloud events. */
export const ec2Api: MetadataApi = {
  name: 'ec2',
  plugin: (app, ctx) => ec2Plugin(app, { clock: ctx.clock, tokenSecret: ctx.tokenSecret, cloudEvents: false }),
};

/** EC2's own instance metadata service: the same tree plus the instance's cloud events (spot/, events/, autoscaling/; docs/events.md). */
export const ec2ImdsApi: MetadataApi = {
  name: 'ec2',
  plugin: (app, ctx) => ec2Plugin(app, { clock: ctx.clock, tokenSecret: ctx.tokenSecret, cloudEvents: true }),
};
