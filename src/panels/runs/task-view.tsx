/**
 * A task's detail view (main area): state and timing, its error with a
 * link to the failing cell, its inputs (run parameters and values from
 * earlier steps), its outputs (parameters, metrics, artifacts with sizes)
 * and its log, followed live while it runs.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import { isServableArtifact } from '../../../core/src/protocol';
import { showValue } from './compare';
import { formatDuration } from './progress';
import type { TaskModel } from './task-model';

/** What the step reads, from the notebook's analysis. */
export interface ITaskInputs {
  parameters: string[];
  /** Input name -> the step it comes from. */
  sources: { [name: string]: string };
}

export interface ITaskViewOptions {
  trans: TranslationBundle;
  inputsOf: () => ITaskInputs | null;
  jumpToCell: (cell: number, line: number | null) => void;
  /** "Deploy…" on a model output, when the deploy plugin is there. */
  deploy?: { available: () => boolean; run: (output: string) => void };
}

export function formatBytes(size: number): string {
  if (size < 1024) {
    return `${size} B`;
  }
  const units = ['KiB', 'MiB', 'GiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export class TaskView extends VDomRenderer<TaskModel> {
  constructor(
    model: TaskModel,
    private options: ITaskViewOptions
  ) {
    super(model);
    this.addClass('jp-KubeflowTask');
  }

  protected render(): React.ReactElement {
    const { trans } = this.options;
    const model = this.model;
    const task = model.task;
    const run = model.run;
    const state = task?.state ?? 'pending';
    const duration = task?.startedAt ? formatDuration((task.finishedAt ?? Date.now()) - task.startedAt) : '';
    return (
      <div className="jp-KubeflowTask-body" data-task={model.taskName} data-state={state}>
        <h2 className="jp-KubeflowTask-title">
          {model.taskName} <span className={`jp-KubeflowRuns-state jp-mod-${state}`}>{state}</span>
        </h2>
        <p className="jp-KubeflowTask-meta">
          {trans.__('run %1', model.runId)}
          {duration && ` · ${duration}`}
          {task && task.attempts > 1 && ` · ${trans.__('%1 attempts', task.attempts)}`}
          {task?.cached && ` · ${trans.__('cached from run %1', task.cachedFrom?.run ?? '?')}`}
        </p>
        <p className="jp-KubeflowTask-note">
          {trans.__('Local engine: the step ran with the notebook’s Python; its image is ignored locally.')}
        </p>
        {task?.error && this.renderError(task.error)}
        {this.renderInputs(run?.parameters ?? {})}
        {this.renderOutputs(run?.metrics ?? null)}
        <h3 className="jp-KubeflowTask-heading">
          {model.following ? trans.__('Log (following)') : trans.__('Log')}
        </h3>
        {model.error && <p className="jp-KubeflowTask-loadError">{model.error}</p>}
        <pre className="jp-KubeflowTask-log">{model.log || (model.following ? '' : trans.__('(no output)'))}</pre>
      </div>
    );
  }

  private renderError(error: NonNullable<NonNullable<TaskModel['task']>['error']>): React.ReactElement {
    const { trans, jumpToCell } = this.options;
    const cell = error.cell ?? null;
    return (
      <div className="jp-KubeflowTask-error" role="alert">
        <pre className="jp-KubeflowTask-errorMessage">{error.message}</pre>
        {cell !== null && (
          <button
            className="jp-Button jp-mod-styled jp-mod-reject"
            data-action="jump-to-cell"
            onClick={() => jumpToCell(cell, error.line ?? null)}
          >
            {error.line ? trans.__('Go to cell %1, line %2', cell, error.line) : trans.__('Go to cell %1', cell)}
          </button>
        )}
      </div>
    );
  }

  private renderInputs(runParameters: { [name: string]: unknown }): React.ReactElement | null {
    const { trans } = this.options;
    const inputs = this.options.inputsOf();
    if (!inputs || (!inputs.parameters.length && !Object.keys(inputs.sources).length)) {
      return null;
    }
    return (
      <>
        <h3 className="jp-KubeflowTask-heading">{this.options.trans.__('Inputs')}</h3>
        <dl className="jp-KubeflowTask-values" data-section="inputs">
          {inputs.parameters.map(name => (
            <React.Fragment key={`p-${name}`}>
              <dt>{name}</dt>
              <dd>{showValue(runParameters[name])} <span className="jp-KubeflowTask-kind">{trans.__('parameter')}</span></dd>
            </React.Fragment>
          ))}
          {Object.entries(inputs.sources).map(([name, step]) => (
            <React.Fragment key={`i-${name}`}>
              <dt>{name}</dt>
              <dd><span className="jp-KubeflowTask-kind">{trans.__('from %1', step)}</span></dd>
            </React.Fragment>
          ))}
        </dl>
      </>
    );
  }

  private renderOutputs(metrics: { [name: string]: number } | null): React.ReactElement | null {
    const { trans, deploy } = this.options;
    const outputs = this.model.outputs;
    if (!outputs) {
      return null;
    }
    const params = Object.entries(outputs.parameters);
    const artifacts = Object.entries(outputs.artifacts);
    const hasMetrics = artifacts.some(([, a]) => a.type === 'system.Metrics') && metrics;
    return (
      <>
        <h3 className="jp-KubeflowTask-heading">{trans.__('Outputs')}</h3>
        <dl className="jp-KubeflowTask-values" data-section="outputs">
          {params.map(([name, value]) => (
            <React.Fragment key={`p-${name}`}>
              <dt>{name}</dt>
              <dd>{showValue(value)}</dd>
            </React.Fragment>
          ))}
          {artifacts.map(([name, a]) => (
            <React.Fragment key={`a-${name}`}>
              <dt>{name}</dt>
              <dd data-artifact={name}>
                {formatBytes(a.size)} <span className="jp-KubeflowTask-kind">{a.pythonType ?? a.type}</span>
                {deploy?.available() && isServableArtifact(a) && (
                  <button className="jp-Button jp-mod-styled jp-mod-minimal" data-action="deploy" onClick={() => deploy.run(name)}>
                    {trans.__('Deploy…')}
                  </button>
                )}
              </dd>
            </React.Fragment>
          ))}
          {hasMetrics &&
            Object.entries(metrics!).map(([name, value]) => (
              <React.Fragment key={`m-${name}`}>
                <dt>{name}</dt>
                <dd data-metric={name}>{showValue(value)} <span className="jp-KubeflowTask-kind">{trans.__('metric')}</span></dd>
              </React.Fragment>
            ))}
          {!params.length && !artifacts.length && <dd>{trans.__('none')}</dd>}
        </dl>
      </>
    );
  }
}
