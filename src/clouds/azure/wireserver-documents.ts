import { derivedUuid } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';

/**
 * The wireserver's XML (168.63.129.16, Azure's "fabric" endpoint that WALinuxAgent and cloud-init talk
 * to): the protocol versions, the goal state and the health report a guest posts. Pure.
 */

/** The protocol version cloud-init and WALinuxAgent send as `x-ms-version`, and the goal state's own. */
const WIRESERVER_PROTOCOL = '2012-11-30';

/** `GET /?comp=versions`: the versions the wireserver speaks, the preferred one first, as Azure lists them. */
export function wireserverVersionsXml(): string {
  const supported = ['2015-04-05', '2012-11-30', '2012-09-15', '2012-05-15', '2011-12-31', '2011-10-15', '2011-08-31', '2011-04-07', '2010-12-15', '2010-28-10'];
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Versions>',
    '  <Preferred>',
    '    <Version>2015-04-05</Version>',
    '  </Preferred>',
    '  <Supported>',
    ...supported.map((v) => `    <Version>${v}</Version>`),
    '  </Supported>',
    '</Versions>',
    '',
  ].join('\n');
}

/** What identifies the VM's goal state; the health report must name the same. */
export interface GoalStateIds {
  incarnation: string;
  containerId: string;
  roleInstanceId: string;
}

/**
 * The goal state's ids for one VM: incarnation 1 (the VM was provisioned once; minicloud never pushes a
 * new goal state), a container id derived from the instance, the role instance id `<container>.<vm name>`.
 */
export function goalStateIds(instance: InstanceRecord): GoalStateIds {
  const containerId = derivedUuid(`azure-container:${instance.id}`);
  return { incarnation: '1', containerId, roleInstanceId: `${derivedUuid(`azure-role:${instance.id}`)}.${instance.name}` };
}

/**
 * `GET /machine/?comp=goalstate`, in Azure's layout: the machine started, one role instance. No
 * `Certificates` (cloud-init then fetches none: the keys come from IMDS) and no configuration URLs
 * (hosting environment, shared config, extensions: minicloud serves none of them).
 */
export function goalStateXml(ids: GoalStateIds): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<GoalState xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="goalstate10.xsd">',
    `  <Version>${WIRESERVER_PROTOCOL}</Version>`,
    `  <Incarnation>${xmlText(ids.incarnation)}</Incarnation>`,
    '  <Machine>',
    '    <ExpectedState>Started</ExpectedState>',
    '    <StopRolesDeadlineHint>300000</StopRolesDeadlineHint>',
    '    <LBProbePorts>',
    '      <Port>16001</Port>',
    '    </LBProbePorts>',
    '    <ExpectHealthReport>FALSE</ExpectHealthReport>',
    '  </Machine>',
    '  <Container>',
    `    <ContainerId>${xmlText(ids.containerId)}</ContainerId>`,
    '    <RoleInstanceList>',
    '      <RoleInstance>',
    `        <InstanceId>${xmlText(ids.roleInstanceId)}</InstanceId>`,
    '        <State>Started</State>',
    '        <Configuration />',
    '      </RoleInstance>',
    '    </RoleInstanceList>',
    '  </Container>',
    '</GoalState>',
    '',
  ].join('\n');
}

/** A health report as the guest posted it (`POST /machine?comp=health`). */
export interface HealthReport {
  incarnation: string | null;
  containerId: string | null;
  roleInstanceId: string | null;
  /** `Ready` when provisioning succeeded; `NotReady` (with a substatus such as ProvisioningFailed) otherwise. */
  state: string;
  substatus: string | null;
  description: string | null;
}

/**
 * Reads the health document cloud-init and WALinuxAgent post (`<Health>…<State>Ready</State>…`); null
 * when the body is not one (no `<Health>` root or no `<State>`). The document is small and flat, so its
 * elements are read by name, not by a full XML parser.
 */
export function parseHealthReport(body: string): HealthReport | null {
  if (!/<Health[\s>]/.test(body)) return null;
  const state = element(body, 'State');
  if (state === null) return null;
  return {
    incarnation: element(body, 'GoalStateIncarnation'),
    containerId: element(body, 'ContainerId'),
    roleInstanceId: element(body, 'InstanceId'),
    state,
    substatus: element(body, 'SubStatus'),
    description: element(body, 'Description'),
  };
}

/** The text of the first `<name>…</name>` in `xml`, entities decoded; null when absent. */
function element(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return m?.[1] === undefined ? null : unescapeXml(m[1].trim());
}

function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeXml(value: string): string {
  return value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
