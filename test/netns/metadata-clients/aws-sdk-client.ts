/**
 * Runs one unmodified AWS SDK metadata client against http://169.254.169.254 (the SDKs' default
 * endpoint; nothing is configured except what the caller puts in the environment, e.g.
 * AWS_EC2_METADATA_V1_DISABLED) and prints one JSON line with what it got.
 *
 * Usage: tsx aws-sdk-client.ts instance-id | instance-id-v1-only | credentials | cloud-events
 *   instance-id          @aws-sdk/ec2-metadata-service MetadataService#request('/latest/meta-data/instance-id')
 *   instance-id-v1-only  the same with { disableFetchToken: true }: plain IMDSv1, no token PUT
 *   credentials          @aws-sdk/credential-provider-imds fromInstanceMetadata()()
 *   cloud-events         MetadataService#request of spot/instance-action and events/maintenance/scheduled
 *                        (docs/events.md), the bodies as the SDK hands them over, unparsed
 *
 * Output: {"ok":true,"instanceId":…} / {"ok":true,"credentials":{…}} / {"ok":true,"spotInstanceAction":"…",
 * "maintenanceScheduled":"…"} or {"ok":false,"error":…};
 * the exit code is 0 only when ok.
 */
import { fromInstanceMetadata } from '@aws-sdk/credential-provider-imds';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';

type Mode = 'instance-id' | 'instance-id-v1-only' | 'credentials' | 'cloud-events';
const MODES: readonly Mode[] = ['instance-id', 'instance-id-v1-only', 'credentials', 'cloud-events'];

async function runClient(mode: Mode): Promise<Record<string, unknown>> {
  switch (mode) {
    case 'instance-id':
    case 'instance-id-v1-only': {
      // retries: 0 so a failing server shows up as one clear error instead of 3 backed-off retries.
      const service = new MetadataService({ retries: 0, disableFetchToken: mode === 'instance-id-v1-only' });
      return { instanceId: await service.request('/latest/meta-data/instance-id', {}) };
    }
    case 'credentials': {
      const creds = await fromInstanceMetadata()();
      return {
        credentials: {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
          expiration: creds.expiration?.toISOString() ?? null,
        },
      };
    }
    case 'cloud-events': {
      // What a termination handler polls: the spot notice, then the scheduled maintenance list.
      const service = new MetadataService({ retries: 0 });
      return {
        spotInstanceAction: await service.request('/latest/meta-data/spot/instance-action', {}),
        maintenanceScheduled: await service.request('/latest/meta-data/events/maintenance/scheduled', {}),
      };
    }
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown mode ${String(unreachable)}`);
    }
  }
}

const mode = process.argv[2] as Mode;
if (!MODES.includes(mode)) {
  process.stderr.write(`usage: aws-sdk-client.ts ${MODES.join('|')}\n`);
  process.exit(2);
}
try {
  const result = await runClient(mode);
  process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
} catch (err) {
  // The test prints this JSON on failure; the SDK's message names the failing status or timeout.
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(err) })}\n`);
  process.exitCode = 1;
}
