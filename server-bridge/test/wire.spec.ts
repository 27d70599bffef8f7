/**
 * The bridge's records are what the browser reads (core/src/protocol.ts):
 * compile-time checks that they still fit, so the two cannot drift apart.
 * (The arrow points bridge -> core; nothing in src/ imports the bridge.)
 */
import type { DeploymentWire, RunWire, TaskWire } from '../../core/src/protocol';
import type { RunRecord, TaskRecord } from '../src/engines/local/types';
import type { DeploymentView } from '../src/serving/types';

describe('wire shapes', () => {
  it('engine and deployment records fit the browser types', () => {
    const run = (r: RunRecord): RunWire => r;
    const task = (t: TaskRecord): TaskWire => t;
    const deployment = (d: DeploymentView): DeploymentWire => d;
    expect([run, task, deployment].every(f => typeof f === 'function')).toBe(true);
  });
});
