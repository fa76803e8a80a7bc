import { metadataLine } from '../core/metadata-line.js';
import { faultSummary, type SmokeFaultReport } from './smoke-faults.js';
import type { SmokeReport } from './smoke-report.js';

/**
 * JUnit XML of a smoke report (the dialect GitHub Actions reporters, GitLab `artifacts:reports:junit`
 * and Jenkins read): one <testsuite> per run, one <testcase> per check and instance. A failure's body
 * carries the instance's console tail and metadata requests. A fault scenario adds one passing
 * <testcase> per rule (classname `smoke.<image>.faults`, name `fault <id>`) whose output is the rule,
 * its hits and the answers it shaped as `metadata-log` prints them, and a `fault.<id>.hits` property:
 * the checks judge the boot, the rules only say what it went through. Pure.
 */

// XML 1.0 forbids most C0 controls (consoles are full of them) and lone surrogates.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

function xmlText(s: string): string {
  return s.replace(ANSI, '').replace(INVALID_XML, '\uFFFD');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

function cdata(s: string): string {
  return `<![CDATA[${xmlText(s).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The rule's testcase output: its summary, then the requests it shaped as `metadata-log` lines. */
function faultOutput(rule: SmokeFaultReport): string {
  const more = rule.hits > rule.requests.length ? [`  … ${rule.hits - rule.requests.length} more in metadata-requests.ndjson`] : [];
  return [faultSummary(rule), ...rule.requests.map((r) => `  ${metadataLine(r)}`), ...more].join('\n');
}

function evidence(report: SmokeReport, instance: string): string {
  const inst = report.instances.find((i) => i.name === instance);
  if (!inst) return '';
  const requests = inst.metadataRequests.map((r) => metadataLine(r));
  return [
    `console tail (${inst.consoleTail.length} lines):`,
    ...inst.consoleTail.map((l) => `  | ${l}`),
    `metadata requests (${requests.length}):`,
    ...(requests.length > 0 ? requests.map((l) => `  ${l}`) : ['  (none)']),
  ].join('\n');
}

export function junitXml(report: SmokeReport): string {
  const tests = report.checks.length + report.faults.length;
  const failures = report.checks.filter((c) => c.status === 'failed').length;
  const skippedCount = report.checks.filter((c) => c.status === 'skipped').length;
  const errorCount = report.error && !report.checks.some((c) => c.status === 'failed') ? 1 : 0;
  const suite = `minicloud smoke ${report.image}`;
  const props: [string, string][] = [
    ['image', report.image],
    ['profile', report.profile.name],
    ['datasource', report.datasource],
    ['accelerator', report.accelerator ?? 'unknown'],
    ['run-id', report.runId],
    ['netns', report.netns],
    ['exit-code', String(report.exitCode)],
    ...report.faults.map((f): [string, string] => [`fault.${f.id}.hits`, String(f.hits)]),
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="minicloud smoke" tests="${tests + errorCount}" failures="${failures}" errors="${errorCount}" skipped="${skippedCount}" time="${seconds(report.wallMs)}">`,
    `  <testsuite name="${xmlAttr(suite)}" tests="${tests + errorCount}" failures="${failures}" errors="${errorCount}" skipped="${skippedCount}" time="${seconds(report.wallMs)}" timestamp="${xmlAttr(report.startedAt.replace(/\.\d+Z$/, 'Z'))}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
  ];
  for (const c of report.checks) {
    const head = `    <testcase classname="${xmlAttr(`smoke.${report.image}.${c.instance}`)}" name="${xmlAttr(c.name)}" time="${seconds(c.durationMs)}"`;
    if (c.status === 'passed') {
      lines.push(`${head}>`, `      <system-out>${cdata(c.message)}</system-out>`, '    </testcase>');
    } else if (c.status === 'skipped') {
      lines.push(`${head}>`, `      <skipped message="${xmlAttr(c.message)}"/>`, '    </testcase>');
    } else {
      const body = [c.message, c.failure?.hint ? `hint: ${c.failure.hint}` : '', '', evidence(report, c.instance)].filter((l, i) => i !== 1 || l !== '').join('\n');
      lines.push(`${head}>`, `      <failure message="${xmlAttr(c.message)}" type="${xmlAttr(c.failure?.code ?? 'failure')}">${cdata(body)}</failure>`, '    </testcase>');
    }
  }
  for (const f of report.faults) {
    lines.push(
      `    <testcase classname="${xmlAttr(`smoke.${report.image}.faults`)}" name="${xmlAttr(`fault ${f.id}`)}" time="0.000">`,
      `      <system-out>${cdata(faultOutput(f))}</system-out>`,
      '    </testcase>',
    );
  }
  if (errorCount > 0 && report.error) {
    lines.push(
      `    <testcase classname="${xmlAttr(`smoke.${report.image}`)}" name="run" time="${seconds(report.wallMs)}">`,
      `      <error message="${xmlAttr(report.error.message)}" type="${xmlAttr(report.error.code)}">${cdata([report.error.message, report.error.hint ? `hint: ${report.error.hint}` : ''].filter(Boolean).join('\n'))}</error>`,
      '    </testcase>',
    );
  }
  lines.push(`    <system-out>${cdata(`result: ${report.result} (exit ${report.exitCode}) in ${seconds(report.wallMs)} s; artifacts in ${report.artifacts.dir}`)}</system-out>`, '  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
