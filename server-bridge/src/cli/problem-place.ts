/**
 * A problem split into where it is ("cell 3", "cell 3, line 2",
 * "notebook") and what is wrong. Core's messages already open with their
 * place ("cell 3, line 2: ..."); the command line prints the place once,
 * in its own column, so `NOTEBOOK: cell N: message` never says the cell twice.
 */
import type { Problem } from '../../../core/src/types';

export function problemPlace(p: Pick<Problem, 'cell' | 'message'>): { place: string; text: string } {
  if (p.cell === null || p.cell === undefined) {
    return { place: 'notebook', text: p.message };
  }
  const own = new RegExp(`^(cell ${p.cell}(?:, line \\d+)?): `).exec(p.message);
  return own
    ? { place: own[1], text: p.message.slice(own[0].length) }
    : { place: `cell ${p.cell}`, text: p.message };
}
