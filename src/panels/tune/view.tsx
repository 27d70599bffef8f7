/**
 * One notebook's Tune view in the main area: the search space editor, where
 * to run the study and Start (for Kubeflow, the Experiment's YAML first),
 * then the study on show: its state, Stop / Resume, Apply best trial, the
 * charts and the trial table.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import type { StudyRecord, TrialRecord } from '../../../core/src/tuning';
import { TargetSelect } from '../pipeline/target';
import { ObjectiveChart, ParallelChart } from './charts';
import { SpaceEditor } from './editor';
import type { TuneModel } from './model';
import { canOpen, katibText, TrialTable } from './trials';

export interface ITuneViewOptions {
  trans: TranslationBundle;
  /** Show a trial's run (the Pipeline DAG with its task states). */
  openRun: (trial: TrialRecord) => void;
  /** Write the best trial's values into the parameters cell. */
  applyBest: (parameters: { [name: string]: unknown }) => void;
}

export class TuneView extends VDomRenderer<TuneModel> {
  constructor(
    model: TuneModel,
    private options: ITuneViewOptions
  ) {
    super(model);
    this.addClass('jp-KubeflowTune');
  }

  protected render(): React.ReactElement {
    const { trans } = this.options;
    const model = this.model;
    const kubeflow = model.kubeflow;
    const valid = model.draft.valid !== null;
    const message = model.message;
    return (
      <div className="jp-KubeflowTune-body" data-notebook={model.path}>
        <h2 className="jp-KubeflowTune-title">{trans.__('Tune %1', model.deps.pipeline.graph.pipeline.name)}</h2>
        <h3 className="jp-KubeflowTune-heading">{trans.__('Study')}</h3>
        <SpaceEditor model={model} trans={trans} />
        <div className="jp-KubeflowTune-actions">
          <TargetSelect value={model.target} available={kubeflow.available} reason={kubeflow.reason} onChange={t => model.setTarget(t)} trans={trans} />
          <button
            className="jp-Button jp-mod-styled jp-mod-accept"
            data-action="start"
            disabled={!valid || model.busy}
            title={valid ? trans.__('Start a study with these settings') : trans.__('Fix the problems above first')}
            onClick={() => void model.start()}
          >
            {model.target === 'kubeflow' ? trans.__('Preview Katib Experiment…') : trans.__('Start study')}
          </button>
        </div>
        {message && (
          <p className={`jp-KubeflowTune-message jp-mod-${message.kind}`} data-message={message.kind} role={message.kind === 'error' ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
        {model.preview && this.renderPreview()}
        {this.renderStudy()}
      </div>
    );
  }

  private renderPreview(): React.ReactElement {
    const { trans } = this.options;
    const preview = this.model.preview!;
    const refused = preview.problems.some(p => p.severity === 'error');
    return (
      <div className="jp-KubeflowTune-preview" data-testid="katib-preview">
        <p>{trans.__('Katib Experiment %1 in namespace %2:', preview.name, preview.namespace)}</p>
        <ul className="jp-KubeflowTune-problems">
          {preview.problems.map((p, i) => (
            <li key={i} className={`jp-mod-${p.severity}`} data-field={p.field}>
              {p.message}
            </li>
          ))}
        </ul>
        <pre className="jp-KubeflowTune-yaml">{preview.yaml}</pre>
        <button className="jp-Button jp-mod-styled jp-mod-reject" onClick={() => this.model.cancelPreview()}>
          {trans.__('Cancel')}
        </button>{' '}
        <button className="jp-Button jp-mod-styled jp-mod-accept" data-action="submit" disabled={refused || this.model.busy} onClick={() => void this.model.submit()}>
          {trans.__('Create on Kubeflow')}
        </button>
      </div>
    );
  }

  private renderStudy(): React.ReactElement | null {
    const { trans } = this.options;
    const model = this.model;
    const study = model.study;
    if (!study) {
      return <p className="jp-KubeflowTune-empty">{trans.__('No study of this notebook yet.')}</p>;
    }
    const r = study.record;
    const best = study.best;
    const pick = (n: number) => {
      const trial = study.trials.find(t => t.number === n);
      if (trial && canOpen(trial)) {
        this.options.openRun(trial);
      }
    };
    const metrics = [...new Set(study.trials.flatMap(t => Object.keys(t.metrics ?? {})))];
    return (
      <div className="jp-KubeflowTune-study" data-study={r.id} data-state={r.state}>
        <h3 className="jp-KubeflowTune-heading">
          {trans.__('Study %1', r.id)} <span className={`jp-KubeflowTune-state jp-mod-${r.state}`}>{r.state}</span>
          {model.studies.length > 1 && (
            <select className="jp-mod-styled" aria-label={trans.__('Study')} value={r.id} onChange={e => void model.select(e.currentTarget.value)}>
              {model.studies.map(s => (
                <option key={s.id} value={s.id}>
                  {`${s.id} · ${s.state} · ${new Date(s.createdAt).toLocaleString()}`}
                </option>
              ))}
            </select>
          )}
        </h3>
        <p className="jp-KubeflowTune-meta" data-testid="counts">
          {trans.__('%1 trials: %2 succeeded, %3 failed, %4 running', r.counts.trials, r.counts.succeeded, r.counts.failed, r.counts.running)}
          {r.reason ? ` · ${trans.__('ended by %1', r.reason)}` : ''}
          {r.error ? ` · ${r.error}` : ''}
        </p>
        {r.target === 'kubeflow' && <KatibLine record={r} trans={trans} />}
        <div className="jp-KubeflowTune-actions">
          <button className="jp-Button jp-mod-styled jp-mod-warn" data-action="stop" disabled={r.state !== 'running' || model.busy} onClick={() => void model.stop()}>
            {trans.__('Stop')}
          </button>
          <button className="jp-Button jp-mod-styled" data-action="resume" disabled={r.state !== 'stopped' || model.busy} onClick={() => void model.resume()}>
            {trans.__('Resume')}
          </button>
          <button
            className="jp-Button jp-mod-styled jp-mod-accept"
            data-action="apply-best"
            disabled={!best}
            title={best ? trans.__('Write trial %1’s values into the parameters cell', best.number) : trans.__('No successful trial yet')}
            onClick={() => best && this.options.applyBest(best.parameters)}
          >
            {best ? trans.__('Apply best trial (#%1)', best.number) : trans.__('Apply best trial')}
          </button>
        </div>
        <div className="jp-KubeflowTune-charts">
          <ObjectiveChart points={study.series} metric={r.spec.objective.metric} best={best?.objective ?? null} onPick={pick} trans={trans} />
          <ParallelChart data={study.parallel} best={best?.number ?? null} onPick={pick} trans={trans} />
        </div>
        <TrialTable
          trials={study.sorted}
          parameters={r.spec.parameters.map(p => p.name)}
          objective={r.spec.objective.metric}
          metrics={metrics}
          sort={study.sort}
          best={best?.number ?? null}
          onSort={key => study.sortBy(key)}
          onOpen={this.options.openRun}
          trans={trans}
        />
      </div>
    );
  }
}

/** Where a Katib study runs and what Katib last said about its Experiment. */
function KatibLine(props: { record: StudyRecord; trans: TranslationBundle }): React.ReactElement {
  const r = props.record;
  return (
    <p className="jp-KubeflowTune-meta" data-testid="katib" data-namespace={r.namespace} data-experiment={r.experiment} data-condition={r.katib?.condition ?? ''}>
      {katibText(r, props.trans)}
    </p>
  );
}
