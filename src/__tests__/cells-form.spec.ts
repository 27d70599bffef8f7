/** The step settings form <-> annotation conversion, with exact values. */
import { readCellAnnotation } from '../../core/src/annotations';
import type { Problem } from '../../core/src/types';
import {
  annotationFromForm,
  formFromAnnotation,
  IStepForm,
  stepNameError,
  withUnknownFields
} from '../cells/form';

const empty: IStepForm = formFromAnnotation({ step: 'train' });

describe('step name', () => {
  it('takes letters, digits, "-" and "_", starting with a letter', () => {
    expect(stepNameError('load_data')).toBeNull();
    expect(stepNameError('Train-2')).toBeNull();
    expect(stepNameError('')).toBe('A step needs a name.');
    expect(stepNameError('2fast')).toBe('Use letters, digits, "-" and "_", starting with a letter.');
    expect(stepNameError('a b')).toBe('Use letters, digits, "-" and "_", starting with a letter.');
    expect(stepNameError('a'.repeat(51))).toBe('A step name has at most 50 characters.');
  });
});

describe('step settings form', () => {
  it('starts empty for a bare step', () => {
    expect(empty).toEqual({
      name: 'train',
      image: '',
      cpuRequest: '',
      cpuLimit: '',
      memoryRequest: '',
      memoryLimit: '',
      gpuCount: '',
      gpuType: '',
      cache: true,
      retries: '',
      secrets: [],
      after: []
    });
    expect(annotationFromForm(empty)).toEqual({ annotation: { step: 'train' }, errors: [] });
  });

  it('converts every field, and back', () => {
    const form: IStepForm = {
      name: ' train ',
      image: 'python:3.11',
      cpuRequest: '500m',
      cpuLimit: '2',
      memoryRequest: '1Gi',
      memoryLimit: '',
      gpuCount: '1',
      gpuType: 'nvidia.com/gpu',
      cache: false,
      retries: '3',
      secrets: [
        { env: 'DB_PASSWORD', secret: 'db', key: 'password' },
        { env: '', secret: '', key: '' }
      ],
      after: ['load_data']
    };
    const annotation = {
      step: 'train',
      after: ['load_data'],
      image: 'python:3.11',
      resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi' },
      gpu: { type: 'nvidia.com/gpu', count: 1 },
      cache: false,
      retries: 3,
      secrets: [{ env: 'DB_PASSWORD', secret: 'db', key: 'password' }]
    };
    expect(annotationFromForm(form)).toEqual({ annotation, errors: [] });
    const problems: Problem[] = [];
    readCellAnnotation(annotation, 0, problems);
    expect(problems).toEqual([]);
    expect(formFromAnnotation(annotation)).toEqual({
      ...form,
      name: 'train',
      secrets: [form.secrets[0]]
    });
  });

  it('refuses bad fields with messages that name them', () => {
    const result = annotationFromForm({
      ...empty,
      name: 'bad name',
      cpuLimit: 'lots',
      gpuCount: '1.5',
      retries: '-1',
      secrets: [
        { env: 'TOKEN', secret: 'api', key: '' },
        { env: '1X', secret: 'api', key: 'token' }
      ]
    });
    expect(result).toEqual({
      annotation: null,
      errors: [
        { field: 'name', message: 'Use letters, digits, "-" and "_", starting with a letter.' },
        { field: 'cpuLimit', message: '"lots" is not a Kubernetes quantity such as 500m, 2 or 4Gi.' },
        { field: 'gpuCount', message: 'The GPU count is a whole number.' },
        { field: 'retries', message: 'Retries is a whole number, 0 or more.' },
        { field: 'secrets[0]', message: 'Secret row 1 needs a variable, a secret and a key.' },
        { field: 'secrets[1].env', message: '"1X" is not a valid environment variable name.' }
      ]
    });
    expect(annotationFromForm({ ...empty, gpuType: 'amd.com/gpu' }).errors).toEqual([
      { field: 'gpuCount', message: 'A GPU type needs a GPU count of at least 1.' }
    ]);
    expect(annotationFromForm({ ...empty, gpuCount: '0' })).toEqual({
      annotation: { step: 'train' },
      errors: []
    });
  });

  it('keeps fields it does not know, and drops the ones the form owns', () => {
    const stored = { step: 'old', retries: 'x', owner: 'ana' };
    expect(withUnknownFields(stored, { step: 'train', retries: 1 })).toEqual({
      owner: 'ana',
      step: 'train',
      retries: 1
    });
    expect(withUnknownFields('garbage', { step: 'train' })).toEqual({ step: 'train' });
  });
});
