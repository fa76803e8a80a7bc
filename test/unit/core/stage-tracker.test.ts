import { describe, expect, it } from 'vitest';
import { advanceStage, initialStageState, nextStage, stageDurations, type StageObservation } from '../../../src/core/stage-tracker.js';

const T0 = 1_000_000;

function feed(observations: StageObservation[]) {
  let state = initialStageState(T0);
  const reached: string[] = [];
  for (const obs of observations) {
    const r = advanceStage(state, obs);
    state = r.state;
    reached.push(...r.reached);
  }
  return { state, reached };
}

describe('stage tracker', () => {
  it('walks a healthy boot stage by stage and times each from start', () => {
    const { state, reached } = feed([
      { kind: 'started', at: T0 + 100 },
      { kind: 'console', at: T0 + 400 },
      { kind: 'console', at: T0 + 500 },
      { kind: 'lease', at: T0 + 1500, ip: '10.77.0.10' },
      { kind: 'metadata', at: T0 + 1600, path: '/2009-04-04/meta-data/instance-id', status: 200, userData: false },
      { kind: 'metadata', at: T0 + 1700, path: '/2009-04-04/user-data', status: 200, userData: true },
      { kind: 'ssh', at: T0 + 3100 },
    ]);
    expect(reached).toEqual(['booting', 'dhcp', 'metadata', 'userdata', 'ssh', 'ready']);
    expect(state.stage).toBe('ready');
    expect(state.implied).toEqual([]);
    expect(stageDurations(state)).toEqual({ booting: 300, dhcp: 1400, metadata: 1500, userdata: 1600, ssh: 3000, ready: 3000 });
  });

  it('reported-ready is recorded only when seen: never implied for a guest that does not report', () => {
    const azure = feed([
      { kind: 'started', at: T0 },
      { kind: 'metadata', at: T0 + 1000, path: '/metadata/instance?api-version=2021-08-01&extended=true', status: 200, userData: true },
      { kind: 'reported', at: T0 + 1100 },
      { kind: 'ssh', at: T0 + 3000 },
    ]);
    expect(azure.reached).toEqual(['booting', 'dhcp', 'metadata', 'userdata', 'reported-ready', 'ssh', 'ready']);
    expect(azure.state.implied).toEqual(['booting', 'dhcp', 'metadata']);
    expect(stageDurations(azure.state)['reported-ready']).toBe(1100);
    const ec2 = feed([
      { kind: 'started', at: T0 },
      { kind: 'metadata', at: T0 + 1000, path: '/latest/user-data', status: 200, userData: true },
      { kind: 'ssh', at: T0 + 3000 },
    ]);
    expect(ec2.reached).toEqual(['booting', 'dhcp', 'metadata', 'userdata', 'ssh', 'ready']);
    expect(ec2.state.implied).not.toContain('reported-ready');
    expect(nextStage('userdata')).toBe('ssh');
  });

  it('implies skipped stages when a later one is seen first', () => {
    const { state, reached } = feed([
      { kind: 'started', at: T0 },
      { kind: 'metadata', at: T0 + 2000, path: '/openstack', status: 200, userData: false },
    ]);
    expect(reached).toEqual(['booting', 'dhcp', 'metadata']);
    expect(state.implied).toEqual(['booting', 'dhcp']);
  });

  it('never moves backwards and ignores repeats', () => {
    const { state, reached } = feed([
      { kind: 'started', at: T0 },
      { kind: 'metadata', at: T0 + 10, path: '/openstack/latest/user_data', status: 404, userData: true },
      { kind: 'lease', at: T0 + 20, ip: '10.77.0.10' },
      { kind: 'console', at: T0 + 30 },
      { kind: 'started', at: T0 + 40 },
    ]);
    expect(state.stage).toBe('userdata');
    expect(reached).toEqual(['booting', 'dhcp', 'metadata', 'userdata']);
    expect(state.startedAt).toBe(T0);
  });

});
