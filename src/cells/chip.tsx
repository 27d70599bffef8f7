/**
 * A code cell's chip: what the cell is in the pipeline (a step start, a
 * role, the step it continues), what a step needs and gives, and the
 * cell's problems. Clicking it opens the annotation menu.
 */
import * as React from 'react';
import { errorIcon, VDomRenderer } from '@jupyterlab/ui-components';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ChipModel } from './chip-model';
import { warningIcon } from './icons';
import { flowText, IChipState } from './state';

export class ChipView extends VDomRenderer<ChipModel> {
  constructor(
    model: ChipModel,
    private trans: TranslationBundle,
    private onOpen: (chip: ChipView, anchor: HTMLElement) => void
  ) {
    super(model);
    this.addClass('jp-KubeflowChip-area');
  }

  protected render(): React.ReactElement | null {
    const state = this.model.state;
    if (!state) {
      return null;
    }
    const errors = state.problems.filter(p => p.severity === 'error');
    const severity = errors.length ? 'error' : state.problems.length ? 'warning' : null;
    const Icon = severity === 'error' ? errorIcon.react : warningIcon.react;
    const tooltip = [this.caption(state), ...state.problems.map(p => p.message)].join('\n');
    return (
      <div className="jp-KubeflowChip-row" data-kind={state.kind}>
        <button
          type="button"
          className={`jp-KubeflowChip jp-mod-${state.kind}${severity ? ` jp-mod-${severity}` : ''}`}
          data-testid="kubeflow-chip"
          data-severity={severity ?? 'none'}
          title={tooltip}
          aria-haspopup="menu"
          onClick={event => this.onOpen(this, event.currentTarget)}
        >
          {severity && <Icon className="jp-KubeflowChip-icon" tag="span" />}
          <span className="jp-KubeflowChip-label">{this.label(state)}</span>
        </button>
        {state.needs && state.gives && (
          <div className="jp-KubeflowChip-flow" data-testid="kubeflow-flow">
            {flowText(state.needs, state.gives, this.trans)}
          </div>
        )}
        {state.problems.length > 0 && (
          <ul className="jp-KubeflowChip-problems" data-testid="kubeflow-problems">
            {state.problems.map((p, i) => (
              <li key={i} className={`jp-mod-${p.severity}`}>
                {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  private label(state: IChipState): string {
    switch (state.kind) {
      case 'step':
        return this.trans.__('step: %1', state.name);
      case 'role':
        return state.name;
      case 'continue':
        return `↳ ${state.name}`;
      case 'none':
        return this.trans.__('not in the pipeline');
    }
  }

  private caption(state: IChipState): string {
    switch (state.kind) {
      case 'step':
        return this.trans.__('This cell starts step "%1". Click to change.', state.name);
      case 'role':
        return this.trans.__('This cell is a "%1" cell. Click to change.', state.name);
      case 'continue':
        return state.continuesRole
          ? this.trans.__('This cell continues the "%1" cell above. Click to change.', state.name)
          : this.trans.__('This cell continues step "%1". Click to change.', state.name);
      case 'none':
        return this.trans.__('No annotated cell above: this cell is left out. Click to annotate.');
    }
  }
}
