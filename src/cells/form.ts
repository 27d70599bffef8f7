/**
 * The step settings dialog's form: every field as the user types it
 * (strings), converted to and from a StepAnnotation. Pure functions, so the
 * dialog only renders and the conversion is tested with exact values.
 */
import { isQuantity } from '../../core/src/settings';
import { STEP_NAME_MAX_LENGTH, STEP_NAME_PATTERN } from '../../core/src/names';
import type { StepAnnotation, StepResources } from '../../core/src/types';

export interface ISecretRow {
  env: string;
  secret: string;
  key: string;
}

export interface IStepForm {
  name: string;
  image: string;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  gpuCount: string;
  gpuType: string;
  cache: boolean;
  retries: string;
  secrets: ISecretRow[];
  after: string[];
}

/** A field the form refuses, with the message to show beside it. */
export interface IFormError {
  field: string;
  message: string;
}

const RESOURCE_FIELDS: Array<keyof StepResources> = ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INTEGER = /^\d+$/;

/** Why a step name is refused, or null when it is fine. */
export function stepNameError(name: string): string | null {
  if (name === '') {
    return 'A step needs a name.';
  }
  if (name.length > STEP_NAME_MAX_LENGTH) {
    return `A step name has at most ${STEP_NAME_MAX_LENGTH} characters.`;
  }
  if (!STEP_NAME_PATTERN.test(name)) {
    return 'Use letters, digits, "-" and "_", starting with a letter.';
  }
  return null;
}

/** The form for an existing step annotation (read, known fields only). */
export function formFromAnnotation(a: StepAnnotation): IStepForm {
  const r = a.resources ?? {};
  return {
    name: a.step,
    image: a.image ?? '',
    cpuRequest: r.cpuRequest ?? '',
    cpuLimit: r.cpuLimit ?? '',
    memoryRequest: r.memoryRequest ?? '',
    memoryLimit: r.memoryLimit ?? '',
    gpuCount: a.gpu ? String(a.gpu.count) : '',
    gpuType: a.gpu?.type ?? '',
    cache: a.cache ?? true,
    retries: a.retries !== undefined ? String(a.retries) : '',
    secrets: (a.secrets ?? []).map(s => ({ ...s })),
    after: [...(a.after ?? [])]
  };
}

/**
 * The annotation a form describes, or the errors that refuse it. Empty
 * fields are left out (defaults apply); rows of secrets left wholly empty
 * are dropped.
 */
export function annotationFromForm(
  form: IStepForm
): { annotation: StepAnnotation; errors: [] } | { annotation: null; errors: IFormError[] } {
  const errors: IFormError[] = [];
  const name = form.name.trim();
  const nameError = stepNameError(name);
  if (nameError) {
    errors.push({ field: 'name', message: nameError });
  }
  const annotation: StepAnnotation = { step: name };
  if (form.after.length) {
    annotation.after = [...form.after];
  }
  if (form.image.trim()) {
    annotation.image = form.image.trim();
  }
  const resources: StepResources = {};
  for (const field of RESOURCE_FIELDS) {
    const value = form[field].trim();
    if (value === '') {
      continue;
    }
    if (isQuantity(value)) {
      resources[field] = value;
    } else {
      errors.push({ field, message: `"${value}" is not a Kubernetes quantity such as 500m, 2 or 4Gi.` });
    }
  }
  if (Object.keys(resources).length) {
    annotation.resources = resources;
  }
  const gpuCount = form.gpuCount.trim();
  const gpuType = form.gpuType.trim();
  if (gpuCount !== '' && gpuCount !== '0') {
    if (INTEGER.test(gpuCount)) {
      annotation.gpu = gpuType ? { type: gpuType, count: Number(gpuCount) } : { count: Number(gpuCount) };
    } else {
      errors.push({ field: 'gpuCount', message: 'The GPU count is a whole number.' });
    }
  } else if (gpuType) {
    errors.push({ field: 'gpuCount', message: 'A GPU type needs a GPU count of at least 1.' });
  }
  if (!form.cache) {
    annotation.cache = false;
  }
  const retries = form.retries.trim();
  if (retries !== '') {
    if (INTEGER.test(retries)) {
      annotation.retries = Number(retries);
    } else {
      errors.push({ field: 'retries', message: 'Retries is a whole number, 0 or more.' });
    }
  }
  const secrets: ISecretRow[] = [];
  form.secrets.forEach((row, i) => {
    const s = { env: row.env.trim(), secret: row.secret.trim(), key: row.key.trim() };
    if (!s.env && !s.secret && !s.key) {
      return;
    }
    if (!s.env || !s.secret || !s.key) {
      errors.push({ field: `secrets[${i}]`, message: `Secret row ${i + 1} needs a variable, a secret and a key.` });
    } else if (!ENV_NAME.test(s.env)) {
      errors.push({ field: `secrets[${i}].env`, message: `"${s.env}" is not a valid environment variable name.` });
    } else {
      secrets.push(s);
    }
  });
  if (secrets.length) {
    annotation.secrets = secrets;
  }
  return errors.length ? { annotation: null, errors } : { annotation, errors: [] };
}

const KNOWN_STEP_KEYS = ['step', 'after', 'image', 'resources', 'gpu', 'cache', 'retries', 'secrets'];

/**
 * The annotation to write: the form's, plus any fields of the stored value
 * this version does not know (kept as they are, never dropped silently).
 */
export function withUnknownFields(stored: unknown, annotation: StepAnnotation): StepAnnotation {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    return annotation;
  }
  const extra: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(stored)) {
    if (!KNOWN_STEP_KEYS.includes(key)) {
      extra[key] = value;
    }
  }
  return { ...extra, ...annotation } as StepAnnotation;
}
