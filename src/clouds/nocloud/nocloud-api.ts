import type { MetadataApi } from '../../metadata/metadata-api.js';
import { nocloudPlugin } from '../../metadata/nocloud/nocloud-plugin.js';

/** NoCloud's seed over HTTP: `/nocloud/<instance-id>/{meta-data,user-data,vendor-data,network-config}`. */
export const nocloudApi: MetadataApi = {
  name: 'nocloud',
  plugin: (app) => nocloudPlugin(app),
};
