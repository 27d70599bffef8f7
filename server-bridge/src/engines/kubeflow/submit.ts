/**
 * Getting a compiled pipeline into KFP for one user: find or create the
 * experiment in the user's namespace (once: the id is remembered), and find
 * or upload the pipeline and a version of it named after the IR's content,
 * so the same notebook uploads once and a changed one adds a version.
 */
import { createHash } from 'node:crypto';
import type { KfpClient } from './client';
import { KfpError } from './errors';

export interface Uploaded {
  pipelineId: string;
  pipelineVersionId: string;
}

export class Submitter {
  /** `namespace/display name` -> experiment id. */
  private experiments = new Map<string, string>();
  /** `namespace/version name` -> what was uploaded (the first version is named after the pipeline). */
  private uploads = new Map<string, Uploaded>();

  constructor(private client: KfpClient) {}

  async experiment(user: string, namespace: string, name: string): Promise<string> {
    const key = `${namespace}/${name}`;
    const known = this.experiments.get(key);
    if (known) {
      return known;
    }
    const found =
      (await this.client.findExperiment(user, namespace, name)) ??
      (await this.client.createExperiment(user, namespace, name, 'Runs started from JupyterLab'));
    if (!found.experiment_id) {
      throw new KfpError(`Kubeflow Pipelines returned experiment ${name} without an id`, 502, 'server');
    }
    this.experiments.set(key, found.experiment_id);
    return found.experiment_id;
  }

  /** The experiment id went stale (deleted in KFP): look it up again next time. */
  forgetExperiment(namespace: string, name: string): void {
    this.experiments.delete(`${namespace}/${name}`);
  }

  /** The same IR uploads once; another one becomes a version named `<name>-<sha256 prefix>`. */
  async upload(user: string, namespace: string, name: string, yaml: string): Promise<Uploaded> {
    const versionName = `${name}-${createHash('sha256').update(yaml).digest('hex').slice(0, 12)}`;
    const key = `${namespace}/${versionName}`;
    const known = this.uploads.get(key);
    if (known) {
      return known;
    }
    const uploaded = await this.find(user, namespace, name, versionName, yaml);
    this.uploads.set(key, uploaded);
    return uploaded;
  }

  private async find(user: string, namespace: string, name: string, versionName: string, yaml: string): Promise<Uploaded> {
    const pipeline = await this.client.findPipeline(user, namespace, name);
    if (!pipeline) {
      // The first upload creates the pipeline and its first version (KFP
      // names that after the pipeline; `uploads` remembers it for this IR).
      const created = await this.client.uploadPipeline(user, namespace, name, yaml);
      const id = requireId(created.pipeline_id, 'pipeline', name);
      const [first] = await this.client.listPipelineVersions(user, id);
      return { pipelineId: id, pipelineVersionId: requireId(first?.pipeline_version_id, 'pipeline version', name) };
    }
    const pipelineId = requireId(pipeline.pipeline_id, 'pipeline', name);
    const existing = (await this.client.listPipelineVersions(user, pipelineId, versionName)).find(v => v.name === versionName);
    if (existing?.pipeline_version_id) {
      return { pipelineId, pipelineVersionId: existing.pipeline_version_id };
    }
    const version = await this.client.uploadPipelineVersion(user, pipelineId, versionName, yaml);
    return { pipelineId, pipelineVersionId: requireId(version.pipeline_version_id, 'pipeline version', versionName) };
  }
}

function requireId(id: string | undefined, what: string, name: string): string {
  if (!id) {
    throw new KfpError(`Kubeflow Pipelines returned ${what} ${name} without an id`, 502, 'server');
  }
  return id;
}
