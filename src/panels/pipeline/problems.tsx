/**
 * Every problem of the analysis, errors first: severity icon (an
 * exclamation mark, red for errors, amber for warnings; the title says
 * which), "cell N", the message. Clicking a problem with a cell jumps to that cell.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { errorIcon } from '@jupyterlab/ui-components';
import type { Problem } from '../../../core/src/types';

/**
 * A problem as place ("cell 3", "cell 3, line 2", "notebook") and text.
 * Core's messages usually open with their place; it is shown once.
 */
export function problemPlace(p: Pick<Problem, 'cell' | 'message'>): { place: string; text: string } {
  if (p.cell === null || p.cell === undefined) {
    return { place: 'notebook', text: p.message };
  }
  const own = new RegExp(`^(cell ${p.cell}(?:, line \\d+)?)[:,] ?`).exec(p.message);
  return own
    ? { place: own[1], text: p.message.slice(own[0].length) }
    : { place: `cell ${p.cell}`, text: p.message };
}

export interface IProblemsProps {
  problems: Problem[];
  onSelect: (cell: number) => void;
  trans: TranslationBundle;
}

export function ProblemsList({ problems, onSelect, trans }: IProblemsProps): React.ReactElement {
  if (!problems.length) {
    return <div className="jp-KubeflowProblems-none">{trans.__('No problems')}</div>;
  }
  const sorted = [
    ...problems.filter(p => p.severity === 'error'),
    ...problems.filter(p => p.severity !== 'error')
  ];
  return (
    <ul className="jp-KubeflowProblems" aria-label={trans.__('Problems')}>
      {sorted.map((p, i) => {
        const { place, text } = problemPlace(p);
        const jump = p.cell !== null ? () => onSelect(p.cell as number) : undefined;
        return (
          <li
            key={i}
            className={`jp-KubeflowProblems-item jp-mod-${p.severity}`}
            data-severity={p.severity}
            data-cell={p.cell ?? undefined}
            role={jump ? 'button' : undefined}
            tabIndex={jump ? 0 : undefined}
            onClick={jump}
            onKeyDown={event => {
              if (jump && event.key === 'Enter') {
                jump();
              }
            }}
            title={p.severity === 'error' ? trans.__('Error') : trans.__('Warning')}
          >
            <errorIcon.react className="jp-KubeflowProblems-icon" tag="span" />
            <span className="jp-KubeflowProblems-place">
              {place === 'notebook' ? trans.__('notebook') : place}
            </span>
            <span className="jp-KubeflowProblems-text">{text}</span>
          </li>
        );
      })}
    </ul>
  );
}
