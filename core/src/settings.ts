/**
 * Per-step settings beside a step annotation (image, resources, gpu, cache,
 * retries, secrets). Each bad field is dropped with an error naming it, so
 * one typo never discards the whole step.
 */
import { Problem, SecretEnv, StepResources, StepSettings } from './types';

/** Kubernetes resource quantity: "2", "500m", "1.5", "4Gi", "1e3". */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

const RESOURCE_KEYS: Array<keyof StepResources> = ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readStepSettings(
  value: { [key: string]: unknown },
  cell: number,
  step: string,
  problems: Problem[]
): StepSettings {
  const bad = (field: string, message: string) =>
    problems.push({
      severity: 'error',
      cell,
      step,
      field,
      message: `cell ${cell}: step "${step}": ${message}; the field is ignored`
    });
  const settings: StepSettings = {};
  if (value.image !== undefined) {
    if (typeof value.image === 'string' && value.image.trim() !== '') {
      settings.image = value.image;
    } else {
      bad('image', `image must be a non-empty string, got ${JSON.stringify(value.image)}`);
    }
  }
  if (value.resources !== undefined) {
    const resources = readResources(value.resources, bad);
    if (resources) {
      settings.resources = resources;
    }
  }
  if (value.gpu !== undefined) {
    const gpu = value.gpu;
    if (!isObject(gpu) || !Number.isInteger(gpu.count) || (gpu.count as number) < 1) {
      bad('gpu', `gpu must be {"count": <positive integer>, "type"?: string}, got ${JSON.stringify(gpu)}`);
    } else if (gpu.type !== undefined && (typeof gpu.type !== 'string' || gpu.type === '')) {
      bad('gpu.type', `gpu.type must be a resource name such as "nvidia.com/gpu"`);
    } else {
      settings.gpu = gpu.type === undefined
        ? { count: gpu.count as number }
        : { type: gpu.type as string, count: gpu.count as number };
    }
  }
  if (value.cache !== undefined) {
    if (typeof value.cache === 'boolean') {
      settings.cache = value.cache;
    } else {
      bad('cache', `cache must be true or false, got ${JSON.stringify(value.cache)}`);
    }
  }
  if (value.retries !== undefined) {
    if (Number.isInteger(value.retries) && (value.retries as number) >= 0) {
      settings.retries = value.retries as number;
    } else {
      bad('retries', `retries must be a non-negative integer, got ${JSON.stringify(value.retries)}`);
    }
  }
  if (value.secrets !== undefined) {
    const secrets = readSecrets(value.secrets, bad);
    if (secrets) {
      settings.secrets = secrets;
    }
  }
  return settings;
}

function readResources(
  value: unknown,
  bad: (field: string, message: string) => void
): StepResources | null {
  if (!isObject(value)) {
    bad('resources', `resources must be an object, got ${JSON.stringify(value)}`);
    return null;
  }
  const resources: StepResources = {};
  for (const [key, quantity] of Object.entries(value)) {
    const field = `resources.${key}`;
    if (!(RESOURCE_KEYS as string[]).includes(key)) {
      bad(field, `unknown resource "${key}" (expected ${RESOURCE_KEYS.join(', ')})`);
    } else if (typeof quantity === 'number' && quantity >= 0 && Number.isFinite(quantity)) {
      resources[key as keyof StepResources] = String(quantity);
    } else if (typeof quantity === 'string' && isQuantity(quantity)) {
      resources[key as keyof StepResources] = quantity;
    } else {
      bad(field, `${JSON.stringify(quantity)} is not a Kubernetes quantity such as "500m", "2" or "4Gi"`);
    }
  }
  return Object.keys(resources).length ? resources : null;
}

function readSecrets(
  value: unknown,
  bad: (field: string, message: string) => void
): SecretEnv[] | null {
  if (!Array.isArray(value)) {
    bad('secrets', `secrets must be a list of {"env", "secret", "key"}`);
    return null;
  }
  const secrets: SecretEnv[] = [];
  value.forEach((entry, index) => {
    const field = `secrets[${index}]`;
    if (!isObject(entry)) {
      bad(field, `a secret must be an object {"env", "secret", "key"}`);
      return;
    }
    const missing = ['env', 'secret', 'key'].filter(
      key => typeof entry[key] !== 'string' || entry[key] === ''
    );
    if (missing.length) {
      bad(`${field}.${missing[0]}`, `secret entry is missing ${missing.map(m => `"${m}"`).join(', ')}`);
    } else if (!ENV_NAME.test(entry.env as string)) {
      bad(`${field}.env`, `${JSON.stringify(entry.env)} is not a valid environment variable name`);
    } else {
      secrets.push({ env: entry.env as string, secret: entry.secret as string, key: entry.key as string });
    }
  });
  return secrets.length ? secrets : null;
}
