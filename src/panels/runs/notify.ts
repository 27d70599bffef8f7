/**
 * A notification when a run this page saw going ends: success with its
 * duration, or the failed task with the cell and line that raised (and a
 * button that goes there).
 */
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { RunWire } from '../../../core/src/protocol';
import { elapsedMs, formatDuration } from './progress';

export function runEndMessage(run: RunWire, trans: TranslationBundle): string {
  const duration = formatDuration(elapsedMs(run, Date.now()));
  const name = run.pipeline;
  if (run.state === 'succeeded') {
    return trans.__('Run of %1 succeeded in %2', name, duration);
  }
  const error = run.error;
  if (run.state === 'failed' && error) {
    const where: string[] = [];
    if (error.task) {
      where.push(trans.__('step %1', error.task));
    }
    if (error.cell !== undefined && error.cell !== null) {
      where.push(error.line ? trans.__('cell %1, line %2', error.cell, error.line) : trans.__('cell %1', error.cell));
    }
    return trans.__('Run of %1 failed (%2): %3', name, where.join(', ') || '?', error.message);
  }
  return trans.__('Run of %1 %2 after %3', name, run.state, duration);
}

export function notifyRunEnd(
  run: RunWire,
  trans: TranslationBundle,
  jumpToCell: (cell: number, line: number | null) => void
): void {
  const message = runEndMessage(run, trans);
  if (run.state === 'succeeded') {
    Notification.success(message, { autoClose: 5000 });
    return;
  }
  const cell = run.error?.cell;
  const actions =
    cell !== undefined && cell !== null
      ? [{ label: trans.__('Go to cell'), callback: () => jumpToCell(cell, run.error?.line ?? null) }]
      : [];
  if (run.state === 'failed') {
    Notification.error(message, { autoClose: false, actions });
  } else {
    Notification.warning(message, { autoClose: 5000 });
  }
}
