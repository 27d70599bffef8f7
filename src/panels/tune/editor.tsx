/**
 * The search space editor: one row per pipeline parameter (tuned or not,
 * its type, range or list, log scale, step; the literal is the default),
 * the objective, the algorithm and the budget. Each field shows its own
 * problems; the rest are listed above.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ALGORITHMS, Algorithm, SEARCH_TYPES, SearchType, StudyProblem } from '../../../core/src/tuning';
import type { TuneModel } from './model';

export interface IEditorProps {
  model: TuneModel;
  trans: TranslationBundle;
}

/** Problems whose field is this one (or, with `below`, inside it). */
function at(problems: StudyProblem[], field: string): StudyProblem[] {
  return problems.filter(p => p.field === field);
}

function Problems(props: { problems: StudyProblem[] }): React.ReactElement | null {
  if (!props.problems.length) {
    return null;
  }
  return (
    <ul className="jp-KubeflowTune-problems">
      {props.problems.map((p, i) => (
        <li key={i} className={`jp-mod-${p.severity}`} data-field={p.field} role={p.severity === 'error' ? 'alert' : undefined}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}

function Field(props: {
  label: string;
  field: string;
  problems: StudyProblem[];
  children: React.ReactNode;
}): React.ReactElement {
  const mine = at(props.problems, props.field);
  return (
    <label className={`jp-KubeflowTune-field${mine.some(p => p.severity === 'error') ? ' jp-mod-invalid' : ''}`} data-field={props.field}>
      <span className="jp-KubeflowTune-label">{props.label}</span>
      {props.children}
      <Problems problems={mine} />
    </label>
  );
}

export function SpaceEditor(props: IEditorProps): React.ReactElement {
  const { model, trans } = props;
  const draft = model.draft;
  const spec = draft.spec;
  const graph = model.deps.pipeline.graph;
  const problems = model.problems;
  const text = (field: string, value: unknown) => draft.text(field, value);
  const shown = new Set<string>(['objective.metric', 'objective.goal', 'algorithm', 'budget.maxTrials', 'budget.parallelTrials', 'budget.maxFailedTrials', 'seed']);
  const input = (field: string, value: unknown, onChange: (v: string) => void, extra: object = {}) => (
    <input className="jp-mod-styled" name={field} value={text(field, value)} onChange={e => onChange(e.currentTarget.value)} {...extra} />
  );
  const rows = graph.parameters.map(def => {
    const p = draft.parameter(def.name);
    const base = `parameters.${def.name}`;
    ['', '.type', '.min', '.max', '.step', '.list', '.log'].forEach(s => shown.add(base + s));
    const tunable = !['list', 'dict'].includes(def.type);
    return (
      <tr key={def.name} data-param={def.name} data-tuned={p ? 'true' : 'false'}>
        <td>
          <label>
            <input
              type="checkbox"
              name={`${base}.tuned`}
              checked={!!p}
              disabled={!tunable}
              onChange={e => {
                const on = e.currentTarget.checked;
                model.edit(d => d.include(def.name, on));
              }}
            />{' '}
            <code>{def.name}</code>
          </label>
          <Problems problems={at(problems, base)} />
        </td>
        <td className="jp-KubeflowTune-default">
          <code>{JSON.stringify(def.default)}</code>
        </td>
        {p ? (
          <>
            <td>
              <Field label={trans.__('Type')} field={`${base}.type`} problems={problems}>
                <select
                  className="jp-mod-styled"
                  name={`${base}.type`}
                  value={p.type}
                  onChange={e => {
                    const type = e.currentTarget.value as SearchType;
                    model.edit(d => d.setType(def.name, type));
                  }}
                >
                  {SEARCH_TYPES.map(t => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </Field>
            </td>
            {p.type === 'double' || p.type === 'int' ? (
              <td className="jp-KubeflowTune-range">
                {(['min', 'max', 'step'] as const).map(k => (
                  <Field key={k} label={k === 'step' ? trans.__('Step') : k === 'min' ? trans.__('Min') : trans.__('Max')} field={`${base}.${k}`} problems={problems}>
                    {input(`${base}.${k}`, p[k], v => model.edit(d => d.setBound(def.name, k, v)), { size: 8 })}
                  </Field>
                ))}
                <Field label={trans.__('Log')} field={`${base}.log`} problems={problems}>
                  <input
                    type="checkbox"
                    name={`${base}.log`}
                    checked={!!p.log}
                    onChange={e => {
                      const on = e.currentTarget.checked;
                      model.edit(d => d.setLog(def.name, on));
                    }}
                  />
                </Field>
              </td>
            ) : (
              <td className="jp-KubeflowTune-range">
                <Field label={trans.__('Values (comma separated)')} field={`${base}.list`} problems={problems}>
                  {input(`${base}.list`, p.list, v => model.edit(d => d.setList(def.name, v)), { size: 24 })}
                </Field>
              </td>
            )}
          </>
        ) : (
          <td colSpan={2} className="jp-KubeflowTune-untuned">
            {tunable ? trans.__('keeps its default') : trans.__('lists and dicts are not tunable')}
          </td>
        )}
      </tr>
    );
  });
  const o = spec.objective;
  const metrics = graph.metrics.includes(o.metric) || !o.metric ? graph.metrics : [o.metric, ...graph.metrics];
  const others = problems.filter(p => !shown.has(p.field));
  return (
    <div className="jp-KubeflowTune-editor">
      <Problems problems={others} />
      <table className="jp-KubeflowTune-space">
        <thead>
          <tr>
            <th>{trans.__('Parameter')}</th>
            <th>{trans.__('Default')}</th>
            <th>{trans.__('Type')}</th>
            <th>{trans.__('Search space')}</th>
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
      <div className="jp-KubeflowTune-fields">
        <Field label={trans.__('Objective')} field="objective.metric" problems={problems}>
          <select className="jp-mod-styled" name="objective.metric" value={o.metric} onChange={e => {
            const metric = e.currentTarget.value;
            model.edit(d => d.setObjective({ metric }));
          }}>
            {!o.metric && <option value="">{trans.__('(no metric)')}</option>}
            {metrics.map(m => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </Field>
        <Field label={trans.__('Direction')} field="objective.direction" problems={problems}>
          <select className="jp-mod-styled" name="objective.direction" value={o.direction} onChange={e => {
            const direction = e.currentTarget.value as 'maximize' | 'minimize';
            model.edit(d => d.setObjective({ direction }));
          }}>
            <option value="maximize">{trans.__('maximize')}</option>
            <option value="minimize">{trans.__('minimize')}</option>
          </select>
        </Field>
        <Field label={trans.__('Goal (optional)')} field="objective.goal" problems={problems}>
          {input('objective.goal', o.goal, goal => model.edit(d => d.setObjective({ goal })), { size: 8 })}
        </Field>
        <Field label={trans.__('Algorithm')} field="algorithm" problems={problems}>
          <select className="jp-mod-styled" name="algorithm" value={spec.algorithm} onChange={e => {
            const algorithm = e.currentTarget.value as Algorithm;
            model.edit(d => d.setAlgorithm(algorithm));
          }}>
            {ALGORITHMS.map(a => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        <Field label={trans.__('Max trials')} field="budget.maxTrials" problems={problems}>
          {input('budget.maxTrials', spec.budget.maxTrials, v => model.edit(d => d.setBudget('maxTrials', v)), { size: 5 })}
        </Field>
        <Field label={trans.__('Parallel trials')} field="budget.parallelTrials" problems={problems}>
          {input('budget.parallelTrials', spec.budget.parallelTrials, v => model.edit(d => d.setBudget('parallelTrials', v)), { size: 5 })}
        </Field>
        <Field label={trans.__('Max failed trials')} field="budget.maxFailedTrials" problems={problems}>
          {input('budget.maxFailedTrials', spec.budget.maxFailedTrials, v => model.edit(d => d.setBudget('maxFailedTrials', v)), { size: 5 })}
        </Field>
        <Field label={trans.__('Seed (optional)')} field="seed" problems={problems}>
          {input('seed', spec.seed, v => model.edit(d => d.setSeed(v)), { size: 8 })}
        </Field>
      </div>
    </div>
  );
}
