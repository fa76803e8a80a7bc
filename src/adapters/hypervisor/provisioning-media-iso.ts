import { cloudNamed } from '../../clouds/registry.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { writeIsoImage } from './config-drive-iso.js';

/**
 * Writes the provisioning CD of an instance that asks for it (meta `provisioningMedia=true`): its cloud's
 * media (CloudFlavour.provisioningMedia: Azure's `ovf-env.xml`) as an ISO 9660 image at `isoPath`, with the
 * cloud's volume label. A cloud without media writes nothing (guestIdentity never asks it to).
 */
export async function writeProvisioningMedia(record: InstanceRecord, isoPath: string, xorriso = 'xorriso'): Promise<void> {
  const media = cloudNamed(record.datasource).provisioningMedia;
  if (media === undefined) return;
  await writeIsoImage(media.files(record), media.label, isoPath, xorriso);
}
