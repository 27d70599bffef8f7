/**
 * The Runs section of the Kubeflow panel: the selected run's progress
 * ("3/5 done · 0:42"), its tasks and error, the notebook's run history and
 * the comparison of two runs. Renders the RunsPanelModel; actions go to
 * the callbacks the plugin wires.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import type { RunWire } from '../../../core/src/protocol';
import { CompareTable, IRunActions, RunsTable } from './list';
import type { RunsPanelModel } from './panel-model';

export interface IRunsBodyActions extends IRunActions {
  openTask(run: RunWire, task: string): void;
  jumpToCell(cell: number, line: number | null): void;
}

export class RunsBody extends VDomRenderer<RunsPanelModel> {
  constructor(
    model: RunsPanelModel,
    private actions: IRunsBodyActions,
    private trans: TranslationBundle
  ) {
    super(model);
    this.addClass('jp-KubeflowRuns');
  }

  protected render(): React.ReactElement {
    const runs = this.model.runs;
    const trans = this.trans;
    if (!runs) {
      return (
        <div className="jp-KubeflowRuns-body">
          <p className="jp-KubeflowRuns-empty">{trans.__('Open a notebook to see its runs.')}</p>
        </div>
      );
    }
    const selected = runs.selected;
    const rows = runs.compareRows();
    const [a, b] = runs.compared.map(id => runs.runs.find(r => r.id === id));
    return (
      <div className="jp-KubeflowRuns-body">
        {runs.error && <p className="jp-KubeflowRuns-loadError">{runs.error}</p>}
        {selected && this.renderSelected(selected)}
        <h3 className="jp-KubeflowRuns-heading">{trans.__('History')}</h3>
        <RunsTable
          runs={runs.runs}
          selected={selected?.id ?? null}
          compared={runs.compared}
          now={this.model.now}
          actions={this.actions}
          trans={trans}
        />
        {rows && a && b && (
          <>
            <h3 className="jp-KubeflowRuns-heading">{trans.__('Compare')}</h3>
            <CompareTable a={a} b={b} rows={rows} trans={trans} />
          </>
        )}
        {runs.compared.length === 1 && (
          <p className="jp-KubeflowRuns-hint">{trans.__('Pick one more run to compare.')}</p>
        )}
      </div>
    );
  }

  private renderSelected(run: RunWire): React.ReactElement {
    const runs = this.model.runs!;
    const trans = this.trans;
    const progress = runs.progress(this.model.now);
    const error = run.error;
    return (
      <div className="jp-KubeflowRuns-selected" data-run={run.id} data-state={run.state}>
        <div className="jp-KubeflowRuns-line">
          <span className={`jp-KubeflowRuns-state jp-mod-${run.state}`}>{run.state}</span>
          <span className="jp-KubeflowRuns-progress">{progress?.text}</span>
          <button
            className="jp-Button jp-mod-styled jp-mod-minimal"
            data-action="close-run"
            title={trans.__('Stop showing this run in the DAG')}
            onClick={() => void runs.select(null)}
          >
            ✕
          </button>
        </div>
        <p className="jp-KubeflowRuns-hint">
          {trans.__('Run %1 on this machine (local engine: step images are ignored). Click a step for its log.', run.id)}
        </p>
        <ul className="jp-KubeflowRuns-tasks">
          {runs.tasks.map(task => (
            <li key={task.name} data-task={task.name} data-state={task.state}>
              <button className="jp-KubeflowRuns-task" onClick={() => this.actions.openTask(run, task.name)}>
                <span className={`jp-KubeflowRuns-dot jp-mod-${task.state}`} />
                {task.name}
                {task.cached && <span className="jp-KubeflowRuns-kind"> {trans.__('cached')}</span>}
              </button>
            </li>
          ))}
        </ul>
        {error && (
          <div className="jp-KubeflowRuns-error" role="alert">
            <span>{error.task ? trans.__('%1 failed: %2', error.task, error.message) : error.message}</span>
            {error.cell !== undefined && error.cell !== null && (
              <button
                className="jp-Button jp-mod-styled jp-mod-minimal"
                data-action="jump-to-cell"
                onClick={() => this.actions.jumpToCell(error.cell!, error.line ?? null)}
              >
                {error.line ? trans.__('cell %1, line %2', error.cell, error.line) : trans.__('cell %1', error.cell)}
              </button>
            )}
          </div>
        )}
      </div>
    );
  }
}
