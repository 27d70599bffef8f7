/**
 * Kale's annotations (cell `metadata.tags` and notebook
 * `metadata.kubeflow_notebook`), read into our normalized shape so Kale
 * notebooks analyse and compile as they are, and converted to our own
 * annotations when the user asks.
 *
 * Mapping: `step:x`/`block:x` start step x (cells with the same name are one
 * step, Kale's rule; a cell with several names belongs to each), `prev:y` is
 * `after`, `imports`/`functions`/`skip` are roles, `pipeline-parameters` and
 * `pipeline-metrics` are the parameters and metrics roles, `image:ref`,
 * `limit:cpu:2`, `limit:memory:4Gi`, `limit:<vendor>/gpu:1` and
 * `cache:enabled|disabled` are step settings. Other tags are the user's own
 * business and are ignored.
 */
import type { NormalizedAnnotation, NotebookAnnotations } from './annotations';
import {
  CellAnnotation,
  CellRole,
  KALE_NOTEBOOK_KEY,
  NotebookDocument,
  PipelineSettings,
  Problem,
  StepSettings
} from './types';
import { isQuantity } from './settings';

const ROLE_TAGS: { [tag: string]: CellRole } = {
  imports: 'imports',
  functions: 'functions',
  skip: 'skip',
  'pipeline-parameters': 'parameters',
  'pipeline-metrics': 'metrics'
};

const PREFIXES = ['step', 'block', 'prev', 'image', 'limit', 'cache', 'annotation', 'label'];

function isKaleTag(tag: unknown): boolean {
  return (
    typeof tag === 'string' &&
    (tag in ROLE_TAGS || PREFIXES.some(prefix => tag.startsWith(`${prefix}:`)))
  );
}

function tagsOf(metadata: { [key: string]: unknown } | undefined): unknown[] {
  const tags = metadata?.tags;
  return Array.isArray(tags) ? tags : [];
}

/** Read a Kale notebook; `dialect` is `none` when no cell has a Kale tag. */
export function readKaleAnnotations(nb: NotebookDocument): NotebookAnnotations {
  const problems: Problem[] = [];
  let dialect: NotebookAnnotations['dialect'] = 'none';
  const cells = nb.cells.map((cell, index) => {
    const tags = tagsOf(cell.metadata);
    if (cell.cell_type !== 'code' || !tags.some(isKaleTag)) {
      return null;
    }
    dialect = 'kale';
    return readKaleTags(tags, index, problems);
  });
  const settings = readKaleSettings(nb.metadata?.[KALE_NOTEBOOK_KEY], problems);
  return { dialect, cells, settings, problems };
}

/** One cell's Kale tags; problems are appended. */
export function readKaleTags(
  tags: unknown[],
  cell: number,
  problems: Problem[]
): NormalizedAnnotation | null {
  const report = (severity: Problem['severity'], field: string, message: string) =>
    problems.push({ severity, cell, field, message: `cell ${cell}: ${message}` });
  const roles: CellRole[] = [];
  const names: string[] = [];
  const after: string[] = [];
  const settings: StepSettings = {};
  for (const tag of tags) {
    if (typeof tag !== 'string') {
      continue;
    }
    if (tag in ROLE_TAGS) {
      roles.push(ROLE_TAGS[tag]);
      continue;
    }
    const colon = tag.indexOf(':');
    const prefix = tag.slice(0, colon);
    const rest = tag.slice(colon + 1);
    switch (colon < 0 ? '' : prefix) {
      case 'step':
      case 'block':
        if (!names.includes(rest)) {
          names.push(rest);
        }
        break;
      case 'prev':
        if (!after.includes(rest)) {
          after.push(rest);
        }
        break;
      case 'image':
        if (rest) {
          settings.image = rest;
        } else {
          report('error', 'image', `tag "${tag}" names no image; it is ignored`);
        }
        break;
      case 'cache':
        if (rest === 'enabled' || rest === 'disabled') {
          settings.cache = rest === 'enabled';
        } else {
          report('error', 'cache', `tag "${tag}" must be cache:enabled or cache:disabled; it is ignored`);
        }
        break;
      case 'limit':
        readLimit(tag, rest, settings, report);
        break;
      case 'secret':
        readSecret(tag, rest, settings, report);
        break;
      case 'notebook':
      case 'report':
        report('warning', prefix, `Kale tag "${tag}" is not supported and is ignored`);
        break;
      case 'annotation':
      case 'label':
        report('warning', prefix, `Kale tag "${tag}" (pod ${prefix}s) is not supported and is ignored`);
        break;
    }
  }
  if (roles.length && names.length) {
    report('error', 'tags', `tags give both a role (${roles[0]}) and a step (${names[0]}); the cell is treated as untagged`);
    return null;
  }
  if (roles.length) {
    if (roles.length > 1) {
      report('warning', 'tags', `several role tags; the first, "${roles[0]}", is used`);
    }
    return { kind: 'role', role: roles[0] };
  }
  if (names.length) {
    return { kind: 'step', names, after, settings };
  }
  if (after.length || Object.keys(settings).length) {
    report('warning', 'tags', 'prev:, image:, limit: and cache: tags apply only to a cell that starts a step; they are ignored');
  }
  return null;
}

function readLimit(
  tag: string,
  rest: string,
  settings: StepSettings,
  report: (severity: Problem['severity'], field: string, message: string) => void
): void {
  const colon = rest.lastIndexOf(':');
  const resource = rest.slice(0, colon);
  const value = rest.slice(colon + 1);
  if (colon < 0 || !isQuantity(value)) {
    report('error', 'limit', `tag "${tag}" must look like limit:<resource>:<quantity>; it is ignored`);
  } else if (resource === 'cpu') {
    settings.resources = { ...settings.resources, cpuLimit: value };
  } else if (resource === 'memory') {
    settings.resources = { ...settings.resources, memoryLimit: value };
  } else if (resource.endsWith('gpu') && /^[1-9]\d*$/.test(value)) {
    settings.gpu = { type: resource, count: Number(value) };
  } else {
    report('error', 'limit', `tag "${tag}": unsupported resource or count; it is ignored`);
  }
}

/**
 * Kale 2.x `secret:SECRET:KEY:ENV`: the Secret's key as an environment
 * variable of the step, which is exactly our SecretEnv.
 */
function readSecret(
  tag: string,
  rest: string,
  settings: StepSettings,
  report: (severity: Problem['severity'], field: string, message: string) => void
): void {
  const m = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?):([-._a-zA-Z0-9]+):([A-Za-z_][A-Za-z0-9_]*)$/.exec(rest);
  if (!m) {
    report('error', 'secrets', `tag "${tag}" must be secret:SECRET_NAME:KEY:ENV_VAR; it is ignored`);
    return;
  }
  settings.secrets = [...(settings.secrets ?? []), { secret: m[1], key: m[3], env: m[4] }];
}

/** `metadata.kubeflow_notebook` as our PipelineSettings. */
export function readKaleSettings(value: unknown, problems: Problem[]): PipelineSettings {
  if (value === undefined) {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({
      severity: 'error',
      cell: null,
      field: KALE_NOTEBOOK_KEY,
      message: `notebook metadata "${KALE_NOTEBOOK_KEY}" must be an object; it is ignored`
    });
    return {};
  }
  const meta = value as { [key: string]: unknown };
  const experiment = meta.experiment as { [key: string]: unknown } | undefined;
  const fields: Array<[keyof PipelineSettings, string, unknown]> = [
    ['name', 'pipeline_name', meta.pipeline_name],
    ['description', 'pipeline_description', meta.pipeline_description],
    [
      'experiment',
      meta.experiment_name !== undefined ? 'experiment_name' : 'experiment.name',
      meta.experiment_name ?? (typeof experiment === 'object' && experiment ? experiment.name : undefined)
    ],
    // Kale 2.x writes base_image; Kale 1.x wrote docker_image.
    [
      'image',
      meta.base_image !== undefined ? 'base_image' : 'docker_image',
      meta.base_image ?? meta.docker_image
    ]
  ];
  const settings: PipelineSettings = {};
  for (const [key, field, raw] of fields) {
    if (raw === undefined || raw === '') {
      continue;
    }
    if (typeof raw === 'string') {
      (settings as { [key: string]: string })[key] = raw;
    } else {
      problems.push({
        severity: 'error',
        cell: null,
        field: `${KALE_NOTEBOOK_KEY}.${field}`,
        message: `notebook metadata: ${KALE_NOTEBOOK_KEY}.${field} must be a string; it is ignored`
      });
    }
  }
  return settings;
}

/**
 * Our annotations equivalent to a Kale notebook's tags. A Kale cell with
 * several step names cannot be said in one annotation: it gets the first.
 */
export function convertKaleAnnotations(nb: NotebookDocument): {
  cells: Array<CellAnnotation | null>;
  notebook: PipelineSettings;
} {
  const kale = readKaleAnnotations(nb);
  const cells = kale.cells.map((annotation): CellAnnotation | null => {
    if (!annotation) {
      return null;
    }
    if (annotation.kind === 'role') {
      return { role: annotation.role };
    }
    const result: CellAnnotation = { step: annotation.names[0], ...annotation.settings };
    if (annotation.after.length) {
      result.after = [...annotation.after];
    }
    return result;
  });
  return { cells, notebook: kale.settings };
}
