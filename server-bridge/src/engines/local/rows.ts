/**
 * Store rows <-> records: column names, JSON columns, integer times. Kept
 * apart from store.ts so the SQL there reads as what it does.
 */
import type { RunRecord, TaskRecord } from './types';

export type Row = { [column: string]: unknown };

export const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
export const parse = <T>(text: unknown, fallback: T): T => (typeof text === 'string' ? (JSON.parse(text) as T) : fallback);
export const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export const RUN_COLUMNS: { [key in keyof RunRecord]?: [string, (v: unknown) => unknown] } = {
  state: ['state', v => v],
  startedAt: ['started_at', v => v],
  finishedAt: ['finished_at', v => v],
  error: ['error', json],
  metrics: ['metrics', json],
  remote: ['remote', json]
};

export const TASK_COLUMNS: { [key in keyof TaskRecord]?: [string, (v: unknown) => unknown] } = {
  state: ['state', v => v],
  attempts: ['attempts', v => v],
  startedAt: ['started_at', v => v],
  finishedAt: ['finished_at', v => v],
  cacheKey: ['cache_key', v => v],
  cached: ['cached', v => (v ? 1 : 0)],
  cachedFrom: ['cached_from', json],
  error: ['error', json],
  logs: ['logs', json],
  outputs: ['outputs', json],
  attemptHistory: ['history', json],
  pid: ['pid', v => v]
};

export function runOf(row: Row): RunRecord {
  return {
    id: String(row.id),
    notebook: row.notebook === null ? null : String(row.notebook),
    pipeline: String(row.pipeline),
    state: row.state as RunRecord['state'],
    parameters: parse(row.params, {}),
    options: parse(row.options, {} as RunRecord['options']),
    createdAt: Number(row.created_at),
    startedAt: num(row.started_at),
    finishedAt: num(row.finished_at),
    error: parse(row.error, null),
    metrics: parse(row.metrics, null),
    root: String(row.root),
    user: row.user === null ? null : String(row.user),
    rerunOf: row.rerun_of === null ? null : String(row.rerun_of),
    engine: row.engine === 'kubeflow' ? 'kubeflow' : 'local',
    remote: parse(row.remote, null)
  };
}

export function taskOf(row: Row): TaskRecord {
  return {
    name: String(row.name),
    position: Number(row.position),
    state: row.state as TaskRecord['state'],
    attempts: Number(row.attempts),
    startedAt: num(row.started_at),
    finishedAt: num(row.finished_at),
    cacheKey: row.cache_key === null ? null : String(row.cache_key),
    cached: Boolean(row.cached),
    cachedFrom: parse(row.cached_from, null),
    error: parse(row.error, null),
    logs: parse(row.logs, null),
    outputs: parse(row.outputs, null),
    dependencies: parse(row.dependencies, []),
    attemptHistory: parse(row.history, []),
    pid: num(row.pid)
  };
}
