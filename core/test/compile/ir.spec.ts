import { compilePipeline, DEFAULT_IMAGE } from '../../src/compile';
import { twoSteps } from './fixtures';

type Any = { [key: string]: any };

describe('compilePipeline: the PipelineSpec', () => {
  const spec = compilePipeline(twoSteps()).pipelineSpec as Any;

  it('has the pipeline header', () => {
    expect(spec.pipelineInfo).toEqual({
      name: 'demo-pipeline',
      displayName: 'Demo Pipeline',
      description: 'two steps and metrics'
    });
    expect(spec.schemaVersion).toBe('2.1.0');
    expect(spec.sdkVersion).toBe('jupyterlab-kubeflow-0.1.0');
    const custom = compilePipeline(twoSteps(), { sdkVersion: 'x-1' }).pipelineSpec as Any;
    expect(custom.sdkVersion).toBe('x-1');
  });

  it('declares every pipeline parameter with its type and default', () => {
    expect(spec.root.inputDefinitions.parameters).toEqual({
      n_rows: { parameterType: 'NUMBER_INTEGER', defaultValue: 10, isOptional: true },
      rate: { parameterType: 'NUMBER_DOUBLE', defaultValue: 0.5, isOptional: true },
      label: { parameterType: 'STRING', defaultValue: 'yes', isOptional: true },
      shuffle: { parameterType: 'BOOLEAN', defaultValue: true, isOptional: true },
      layers: { parameterType: 'LIST', defaultValue: [1, 2], isOptional: true },
      opts: { parameterType: 'STRUCT', defaultValue: { a: 1 }, isOptional: true }
    });
  });

  it('makes one task per step, named by names.ts', () => {
    const tasks = spec.root.dag.tasks;
    expect(Object.keys(tasks)).toEqual(['load-data', 'train', 'pipeline-metrics']);
    expect(tasks['load-data']).toEqual({
      taskInfo: { name: 'load-data' },
      componentRef: { name: 'comp-load-data' },
      cachingOptions: { enableCache: true },
      inputs: {
        parameters: {
          n_rows: { componentInputParameter: 'n_rows' },
          shuffle: { componentInputParameter: 'shuffle' }
        }
      }
    });
    expect(tasks.train).toEqual({
      taskInfo: { name: 'train' },
      componentRef: { name: 'comp-train' },
      dependentTasks: ['load-data'],
      cachingOptions: { enableCache: true },
      inputs: {
        parameters: { rate: { componentInputParameter: 'rate' } },
        artifacts: {
          data: { taskOutputArtifact: { producerTask: 'load-data', outputArtifactKey: 'data' } }
        }
      }
    });
    expect(tasks['pipeline-metrics'].dependentTasks).toEqual(['train']);
  });

  it('declares components with artifact inputs and outputs', () => {
    const artifact = { artifactType: { schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' } };
    expect(spec.components['comp-load-data']).toEqual({
      executorLabel: 'exec-load-data',
      inputDefinitions: {
        parameters: {
          n_rows: { parameterType: 'NUMBER_INTEGER' },
          shuffle: { parameterType: 'BOOLEAN' }
        }
      },
      outputDefinitions: { artifacts: { data: artifact } }
    });
    expect(spec.components['comp-train'].inputDefinitions.artifacts).toEqual({ data: artifact });
    expect(spec.components['comp-pipeline-metrics']).toEqual({
      executorLabel: 'exec-pipeline-metrics',
      inputDefinitions: { artifacts: { accuracy: artifact } },
      outputDefinitions: {
        artifacts: {
          metrics: { artifactType: { schemaTitle: 'system.Metrics', schemaVersion: '0.0.1' } }
        }
      }
    });
  });

  it('runs each step as python3 -c with placeholder arguments', () => {
    const load = spec.deploymentSpec.executors['exec-load-data'].container;
    expect(load.image).toBe(DEFAULT_IMAGE);
    expect(load.command.slice(0, 3)).toEqual(['python3', '-u', '-c']);
    expect(load.command).toHaveLength(4);
    expect(load.args).toEqual([
      '--param', 'n_rows', "{{$.inputs.parameters['n_rows']}}",
      '--param', 'shuffle', "{{$.inputs.parameters['shuffle']}}",
      '--out', 'data', "{{$.outputs.artifacts['data'].path}}"
    ]);
    const train = spec.deploymentSpec.executors['exec-train'].container;
    expect(train.args).toEqual([
      '--param', 'rate', "{{$.inputs.parameters['rate']}}",
      '--in', 'data', "{{$.inputs.artifacts['data'].path}}",
      '--out', 'accuracy', "{{$.outputs.artifacts['accuracy'].path}}"
    ]);
    const metrics = spec.deploymentSpec.executors['exec-pipeline-metrics'].container;
    expect(metrics.args).toEqual([
      '--in', 'accuracy', "{{$.inputs.artifacts['accuracy'].path}}",
      '--metrics', "{{$.outputs.artifacts['metrics'].path}}",
      '--executor-input', '{{$}}'
    ]);
    expect(load.resources).toBeUndefined();
  });
});

describe('compilePipeline: step settings', () => {
  it('maps cache, retries, image, resources and GPU', () => {
    const graph = twoSteps();
    graph.pipeline.image = 'team/base:1';
    graph.steps[1].settings = {
      cache: false,
      retries: 3,
      image: 'team/gpu:2',
      resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '2Gi' },
      gpu: { count: 2 }
    };
    graph.steps[0].settings = { gpu: { type: 'amd.com/gpu', count: 1 }, retries: 0 };
    const spec = compilePipeline(graph).pipelineSpec as Any;
    const train = spec.root.dag.tasks.train;
    expect(train.cachingOptions).toEqual({ enableCache: false });
    expect(train.retryPolicy).toEqual({
      maxRetryCount: 3,
      backoffDuration: '0s',
      backoffFactor: 2,
      backoffMaxDuration: '3600s'
    });
    expect(spec.root.dag.tasks['load-data'].retryPolicy).toBeUndefined();
    const executors = spec.deploymentSpec.executors;
    expect(executors['exec-train'].container.image).toBe('team/gpu:2');
    expect(executors['exec-load-data'].container.image).toBe('team/base:1');
    expect(executors['exec-train'].container.resources).toEqual({
      resourceCpuRequest: '500m',
      resourceCpuLimit: '2',
      resourceMemoryRequest: '1Gi',
      resourceMemoryLimit: '2Gi',
      accelerator: { resourceType: 'nvidia.com/gpu', resourceCount: '2' }
    });
    expect(executors['exec-load-data'].container.resources).toEqual({
      accelerator: { resourceType: 'amd.com/gpu', resourceCount: '1' }
    });
  });

  it('writes secrets as env in the platform document, old and new fields', () => {
    const graph = twoSteps();
    graph.steps[1].settings.secrets = [
      { env: 'AWS_SECRET', secret: 's3-creds', key: 'secret' },
      { env: 'API_TOKEN', secret: 'api', key: 'token' },
      { env: 'AWS_KEY', secret: 's3-creds', key: 'key' }
    ];
    const { platformSpec, yaml } = compilePipeline(graph);
    expect(platformSpec).toEqual({
      platforms: {
        kubernetes: {
          deploymentSpec: {
            executors: {
              'exec-train': {
                secretAsEnv: [
                  {
                    secretName: 'api',
                    secretNameParameter: { runtimeValue: { constant: 'api' } },
                    keyToEnv: [{ secretKey: 'token', envVar: 'API_TOKEN' }]
                  },
                  {
                    secretName: 's3-creds',
                    secretNameParameter: { runtimeValue: { constant: 's3-creds' } },
                    keyToEnv: [
                      { secretKey: 'secret', envVar: 'AWS_SECRET' },
                      { secretKey: 'key', envVar: 'AWS_KEY' }
                    ]
                  }
                ]
              }
            }
          }
        }
      }
    });
    expect(yaml.split(/^---$/m)).toHaveLength(2);
  });

  it('has no platform document without platform settings', () => {
    const { platformSpec, yaml } = compilePipeline(twoSteps());
    expect(platformSpec).toBeNull();
    expect(yaml).not.toMatch(/^---$/m);
  });
});
