/**
 * The KFP client against a scripted fetch: what it sends (a fresh bearer
 * token per call, snake_case JSON, multipart `uploadfile`, never
 * `kubeflow-userid`) and how KFP's refusals become specific errors.
 */
import { KfpClient } from '../../src/engines/kubeflow/client';
import { KfpError, parameterOf, parseRefusal } from '../../src/engines/kubeflow/errors';

type Sent = { url: URL; method: string; headers: { [k: string]: string }; body: unknown };

function clientWith(answer: (sent: Sent) => Response | Promise<Response>, tokens = ['tok-1', 'tok-2', 'tok-3']) {
  const sent: Sent[] = [];
  const asked: string[] = [];
  const fetchImpl = (async (input: URL, init: RequestInit) => {
    const s: Sent = { url: new URL(String(input)), method: String(init.method), headers: init.headers as { [k: string]: string }, body: init.body };
    sent.push(s);
    return answer(s);
  }) as unknown as typeof fetch;
  const source = {
    token: async (user: string, audience: 'kfp' | 'kube') => {
      asked.push(`${user}:${audience}`);
      return tokens[asked.length - 1] ?? 'tok-n';
    }
  };
  const client = new KfpClient({ endpoint: 'http://kfp.test:8888/', tokens: source, fetch: fetchImpl });
  return { client, sent, asked };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const DENIED =
  "Failed to authorize with API: PermissionDenied: User 'system:serviceaccount:team-a:default-editor' is not authorized with reason:  " +
  '(request: &ResourceAttributes{Namespace:team-a,Verb:create,Group:pipelines.kubeflow.org,Version:v1beta1,Resource:runs,Subresource:,Name:,})';

async function failure(p: Promise<unknown>): Promise<KfpError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KfpError);
    return err as KfpError;
  }
  throw new Error('expected a KfpError');
}

describe('KfpClient requests', () => {
  it('asks for a kfp token for every call and sends it as a bearer token, never kubeflow-userid', async () => {
    const { client, sent, asked } = clientWith(() => json(200, { experiments: [] }));
    await client.findExperiment('alice', 'team-a', 'nb');
    await client.findExperiment('alice', 'team-a', 'nb');
    expect(asked).toEqual(['alice:kfp', 'alice:kfp']);
    expect(sent.map(s => s.headers.Authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    for (const s of sent) {
      expect(Object.keys(s.headers).map(k => k.toLowerCase())).not.toContain('kubeflow-userid');
    }
    expect(sent[0].url.pathname).toBe('/apis/v2beta1/experiments');
    expect(sent[0].url.searchParams.get('namespace')).toBe('team-a');
    expect(JSON.parse(sent[0].url.searchParams.get('filter')!)).toEqual({
      predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'nb' }]
    });
  });

  it('creates runs with snake_case fields and typed parameters', async () => {
    const { client, sent } = clientWith(() => json(200, { run_id: 'r1', display_name: 'x', state: 'PENDING' }));
    const run = await client.createRun('alice', {
      display_name: 'x', experiment_id: 'e1',
      pipeline_version_reference: { pipeline_id: 'p1', pipeline_version_id: 'v1' },
      runtime_config: { parameters: { n_rows: 10, rate: 0.5, name: 'a', flag: true } }
    });
    expect(run.run_id).toBe('r1');
    expect(sent[0].method).toBe('POST');
    expect(JSON.parse(String(sent[0].body)).runtime_config.parameters).toEqual({ n_rows: 10, rate: 0.5, name: 'a', flag: true });
  });

  it('uploads the IR as multipart uploadfile with name, display_name and namespace', async () => {
    const { client, sent } = clientWith(() => json(200, { pipeline_id: 'p1', name: 'nb' }));
    await client.uploadPipeline('alice', 'team-a', 'nb', 'pipelineInfo: {name: nb}\n');
    const form = sent[0].body as FormData;
    expect(sent[0].url.pathname).toBe('/apis/v2beta1/pipelines/upload');
    expect(Object.fromEntries(sent[0].url.searchParams)).toEqual({ name: 'nb', display_name: 'nb', namespace: 'team-a' });
    expect(await (form.get('uploadfile') as Blob).text()).toBe('pipelineInfo: {name: nb}\n');
    await client.uploadPipelineVersion('alice', 'p1', 'nb-abc', 'x: 1\n');
    expect(Object.fromEntries(sent[1].url.searchParams)).toEqual({ pipelineid: 'p1', name: 'nb-abc' });
  });

  it('finds a pipeline by name, null on 404', async () => {
    const { client, sent } = clientWith(() => json(404, { code: 5, message: 'NotFound: pipeline nb not found' }));
    expect(await client.findPipeline('alice', 'team-a', 'nb')).toBeNull();
    expect(sent[0].url.pathname).toBe('/apis/v2beta1/pipelines/names/nb');
  });
});

describe('KfpClient errors', () => {
  it('names the endpoint when nothing answers', async () => {
    const { client } = clientWith(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const err = await failure(client.healthz('alice'));
    expect(err.kind).toBe('unreachable');
    expect(err.status).toBe(502);
    expect(err.message).toContain('http://kfp.test:8888');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('401: the token was not accepted', async () => {
    const { client } = clientWith(() => json(401, { code: 16, message: 'Failed to authenticate token review' }));
    const err = await failure(client.getRun('alice', 'r1'));
    expect(err.kind).toBe('unauthenticated');
    expect(err.message).toMatch(/401.*pipelines\.kubeflow\.org/s);
    expect(err.message).not.toContain('tok-');
  });

  it('403 names the namespace, resource and verb', async () => {
    const { client } = clientWith(() => json(403, { code: 7, message: DENIED, details: [] }));
    const err = await failure(client.createRun('alice', { display_name: 'x', experiment_id: 'e1' }));
    expect(err.kind).toBe('forbidden');
    expect(err.status).toBe(403);
    expect(err.message).toContain('create runs');
    expect(err.message).toContain('namespace team-a');
    expect(err.message).toContain('system:serviceaccount:team-a:default-editor');
    expect(parseRefusal(DENIED)).toEqual({
      namespace: 'team-a', resource: 'runs', verb: 'create', user: 'system:serviceaccount:team-a:default-editor'
    });
  });

  it('a missing experiment is said so, with its id', async () => {
    const { client } = clientWith(() => json(404, { code: 5, message: 'NotFound: Experiment e9 not found' }));
    const err = await failure(client.createRun('alice', { display_name: 'x', experiment_id: 'e9' }));
    expect(err.kind).toBe('experiment-missing');
    expect(err.message).toContain('experiment e9');
    expect(err.field).toBe('options.experiment');
  });

  it('a rejected parameter is named in the message and the field', async () => {
    const message = "Invalid input error: parameter 'n_rows' requires type NUMBER_INTEGER, got 'ten' (str)";
    const { client } = clientWith(() => json(400, { code: 3, message }));
    const err = await failure(client.createRun('alice', { display_name: 'x', experiment_id: 'e1' }));
    expect(err.kind).toBe('parameters');
    expect(err.field).toBe('parameters.n_rows');
    expect(err.message).toContain('n_rows');
    expect(parameterOf('input parameter "rate" is not declared')).toBe('rate');
  });

  it('multipart errors {error_message, error_details} keep their text', async () => {
    const { client } = clientWith(() => json(409, { error_message: 'Already exist error: pipeline nb', error_details: 'Already exist error: pipeline nb' }));
    const err = await failure(client.uploadPipeline('alice', 'team-a', 'nb', 'x: 1\n'));
    expect(err.kind).toBe('conflict');
    expect(err.message).toContain('pipeline nb');
  });
});
