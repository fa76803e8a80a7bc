import { SMBIOS_LAYOUT } from '../ports/hypervisor.js';
import type { CloudFlavour } from './cloud-flavour.js';

const BEGIN = '<!-- clouds-table: generated from src/clouds/registry.ts by `make docs`; do not edit -->';
const END = '<!-- /clouds-table -->';

/** sysfs names of the SMBIOS fields (what cloud-init and ds-identify read in /sys/class/dmi/id). */
const SYSFS: Record<string, Record<string, string>> = {
  system: { manufacturer: 'sys_vendor', product: 'product_name', version: 'product_version', serial: 'product_serial', uuid: 'product_uuid', sku: 'product_sku', family: 'product_family' },
  baseBoard: { manufacturer: 'board_vendor', product: 'board_name', version: 'board_version', serial: 'board_serial', asset: 'board_asset_tag' },
  chassis: { manufacturer: 'chassis_vendor', version: 'chassis_version', serial: 'chassis_serial', asset: 'chassis_asset_tag', sku: 'chassis_sku' },
};

const SAMPLE = { instanceId: 'i-0123456789abcdef0', instanceUuid: '7b536758-e6f0-4595-82b5-9a209391a904' };

/** What the guest's DMI says, with the sample instance's ids shown as placeholders. */
function dmiSummary(cloud: CloudFlavour): string {
  const identity = cloud.identity(SAMPLE);
  const parts: string[] = [];
  for (const { key, fields } of SMBIOS_LAYOUT) {
    const values: Partial<Record<string, string>> = identity[key] ?? {};
    for (const field of fields) {
      const value = values[field];
      if (value === undefined) continue;
      const shown = value.replaceAll(SAMPLE.instanceUuid, '<uuid>').replaceAll(SAMPLE.instanceUuid.slice(3), '…').replaceAll(SAMPLE.instanceId, '<id>');
      parts.push(`${SYSFS[key]?.[field] ?? field}=\`${shown}\``);
    }
  }
  return parts.join(', ');
}

function network(cloud: CloudFlavour): string {
  const n = cloud.network;
  const extras = [
    ...n.metadataPorts.map((p) => `169.254.169.254:${p}`),
    ...n.metadataNames.map((name) => `DNS ${name}`),
    ...n.extraEndpoints.flatMap((e) => e.ports.map((p) => `${e.address}:${p}`)),
    ...n.gatewayPorts.map((p) => `gateway:${p}`),
    ...n.gatewayNames.map((name) => `DNS ${name} → gateway`),
    ...n.dhcpOptions.map((o) => `DHCP option ${o.code}`),
    ...n.endpoints6.flatMap((e) => e.ports.map((p) => `[${e.address}]:${p}`)),
    ...(cloud.guestNetwork === 'link-local' ? ['no DHCP: link-local 169.254/16 on-link'] : []),
  ];
  return extras.length === 0 ? '—' : extras.join(', ');
}

/** The clouds table of docs/clouds.md: one row per registered cloud, in registry order. */
export function renderCloudsTable(clouds: readonly CloudFlavour[]): string {
  const rows = clouds.map((c) =>
    `| \`${c.name}\` | ${c.title} | \`DataSource${c.cloudInit.dataSource}\` (${c.cloudInit.since}+) | ${dmiSummary(c)} | ${c.metadata.map((a) => a.name).join(', ')} | ${network(c)} |`,
  );
  return [BEGIN, '| `--datasource` | cloud | cloud-init datasource | the guest\'s DMI (what ds-identify reads) | metadata APIs served | network beyond 169.254.169.254:80 |', '|---|---|---|---|---|---|', ...rows, END].join('\n');
}

/** `doc` with its generated clouds table replaced by `table` (the markers must be there). */
export function withCloudsTable(doc: string, table: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error('docs/clouds.md: the clouds-table markers are missing');
  return doc.slice(0, start) + table + doc.slice(end + END.length);
}
