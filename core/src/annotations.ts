/**
 * Our own annotations (cell and notebook metadata under `kubeflow`), read
 * into one normalized shape that Kale tags are also read into.
 *
 * Garbage never throws: it becomes an error Problem naming the cell and the
 * field. A cell whose `step`/`role` cannot be read is treated as untagged (it
 * then continues the step above it, which is what the user sees in the
 * notebook anyway); a bad settings field is dropped and the rest kept.
 */
import { readKaleAnnotations } from './kale';
import {
  CELL_ROLES,
  CellRole,
  METADATA_KEY,
  NotebookDocument,
  PipelineSettings,
  Problem,
  StepSettings
} from './types';
import { readStepSettings } from './settings';
import { readStudySpec } from './tuning/validate';

/** One cell's annotation, whichever dialect it was written in. */
export type NormalizedAnnotation =
  | {
      kind: 'step';
      /** Usually one; a Kale cell may carry several `block:` tags. */
      names: string[];
      after: string[];
      settings: StepSettings;
    }
  | { kind: 'role'; role: CellRole };

export interface NotebookAnnotations {
  /** `kubeflow` when any cell has our key, else `kale` when any cell has a Kale tag. */
  dialect: 'kubeflow' | 'kale' | 'none';
  /** One entry per notebook cell (null: untagged, or not a code cell). */
  cells: Array<NormalizedAnnotation | null>;
  settings: PipelineSettings;
  problems: Problem[];
}

export function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Read every annotation of a notebook, choosing the dialect. */
export function readAnnotations(nb: NotebookDocument): NotebookAnnotations {
  const ours = nb.cells.some(cell => METADATA_KEY in (cell.metadata ?? {}));
  if (!ours) {
    const kale = readKaleAnnotations(nb);
    if (kale.dialect === 'kale') {
      return kale;
    }
  }
  const problems: Problem[] = [];
  const cells = nb.cells.map((cell, index) =>
    cell.cell_type === 'code'
      ? readCellAnnotation(cell.metadata?.[METADATA_KEY], index, problems)
      : null
  );
  const settings = readPipelineSettings(nb.metadata?.[METADATA_KEY], problems);
  return { dialect: ours ? 'kubeflow' : 'none', cells, settings, problems };
}

const STEP_KEYS = ['step', 'after', 'image', 'resources', 'gpu', 'cache', 'retries', 'secrets'];

/** Read one cell's `kubeflow` metadata value; problems are appended. */
export function readCellAnnotation(
  value: unknown,
  cell: number,
  problems: Problem[]
): NormalizedAnnotation | null {
  if (value === undefined) {
    return null;
  }
  const error = (message: string, field: string): null => {
    problems.push({ severity: 'error', cell, field, message: `cell ${cell}: ${message}` });
    return null;
  };
  if (!isObject(value)) {
    return error(`the "${METADATA_KEY}" metadata must be an object; the cell is treated as untagged`, METADATA_KEY);
  }
  if ('step' in value && 'role' in value) {
    return error('an annotation has either "step" or "role", not both; the cell is treated as untagged', 'role');
  }
  if ('role' in value) {
    const role = value.role;
    if (typeof role !== 'string' || !(CELL_ROLES as readonly string[]).includes(role)) {
      return error(
        `unknown role ${JSON.stringify(role)} (expected one of ${CELL_ROLES.join(', ')}); the cell is treated as untagged`,
        'role'
      );
    }
    for (const key of Object.keys(value)) {
      if (key !== 'role') {
        problems.push({
          severity: 'warning',
          cell,
          field: key,
          message: `cell ${cell}: "${key}" is ignored on a cell with role "${role}"`
        });
      }
    }
    return { kind: 'role', role: role as CellRole };
  }
  if (!('step' in value)) {
    return error('the annotation needs "step" or "role"; the cell is treated as untagged', 'step');
  }
  const step = value.step;
  if (typeof step !== 'string') {
    return error(`step name must be a string, got ${JSON.stringify(step)}; the cell is treated as untagged`, 'step');
  }
  for (const key of Object.keys(value)) {
    if (!STEP_KEYS.includes(key)) {
      problems.push({
        severity: 'warning',
        cell,
        step,
        field: key,
        message: `cell ${cell}: unknown field "${key}" is ignored`
      });
    }
  }
  const after = readAfter(value.after, cell, step, problems);
  const settings = readStepSettings(value, cell, step, problems);
  return { kind: 'step', names: [step], after, settings };
}

function readAfter(value: unknown, cell: number, step: string, problems: Problem[]): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) {
    problems.push({
      severity: 'error',
      cell,
      step,
      field: 'after',
      message: `cell ${cell}: "after" of step "${step}" must be a list of step names (strings); it is ignored`
    });
    return [];
  }
  return value as string[];
}

const SETTINGS_KEYS: Array<keyof PipelineSettings> = ['name', 'description', 'experiment', 'image', 'target', 'tuning'];

/** Read notebook-wide settings; bad fields are dropped with an error. */
export function readPipelineSettings(value: unknown, problems: Problem[]): PipelineSettings {
  if (value === undefined) {
    return {};
  }
  const error = (message: string, field: string) =>
    problems.push({ severity: 'error', cell: null, field, message });
  if (!isObject(value)) {
    error(`notebook metadata "${METADATA_KEY}" must be an object; it is ignored`, METADATA_KEY);
    return {};
  }
  const settings: PipelineSettings = {};
  for (const [key, field] of Object.entries(value)) {
    if (!(SETTINGS_KEYS as string[]).includes(key)) {
      problems.push({
        severity: 'warning',
        cell: null,
        field: key,
        message: `notebook metadata: unknown field "${key}" is ignored`
      });
    } else if (key === 'target') {
      if (field === 'local' || field === 'kubeflow') {
        settings.target = field;
      } else {
        error(`notebook metadata: target must be "local" or "kubeflow", got ${JSON.stringify(field)}`, key);
      }
    } else if (key === 'tuning') {
      // Shape only here; the Tune view checks it against the pipeline (validateStudy).
      const read = readStudySpec(field, 'tuning.');
      read.problems.forEach(p => error(`notebook metadata: ${p.message}`, p.field));
      if (read.spec) {
        settings.tuning = read.spec;
      }
    } else if (typeof field !== 'string') {
      error(`notebook metadata: ${key} must be a string, got ${JSON.stringify(field)}`, key);
    } else {
      settings[key as Exclude<keyof PipelineSettings, 'target' | 'tuning'>] = field;
    }
  }
  return settings;
}
