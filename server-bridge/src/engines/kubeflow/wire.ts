/**
 * The KFP REST API v2beta1 as it is on the wire (proto field names in
 * snake_case, enums as strings, int64 as strings), the part of it the
 * kubeflow engine uses. Field names follow the published OpenAPI document
 * (kfp_api_single_file.swagger.json, KFP 2.17); nothing here is ours.
 */

export type KfpRuntimeState =
  | 'RUNTIME_STATE_UNSPECIFIED'
  | 'PENDING'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'SKIPPED'
  | 'FAILED'
  | 'CANCELING'
  | 'CANCELED'
  | 'PAUSED';

/** `googleRpcStatus`: the error body of every JSON endpoint. */
export interface KfpStatus {
  code?: number;
  message?: string;
  details?: { '@type'?: string; [key: string]: unknown }[];
}

/** The error body of the multipart upload endpoints. */
export interface KfpUploadError {
  error_message?: string;
  error_details?: string;
}

export interface KfpHealthz {
  multi_user?: boolean;
  pipeline_store?: string;
  commit_sha?: string;
  tag_name?: string;
}

export interface KfpExperiment {
  experiment_id?: string;
  display_name: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  storage_state?: 'STORAGE_STATE_UNSPECIFIED' | 'AVAILABLE' | 'ARCHIVED';
  last_run_created_at?: string;
}

export interface KfpPipeline {
  pipeline_id?: string;
  name?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  error?: KfpStatus;
}

export interface KfpPipelineVersion {
  pipeline_id?: string;
  pipeline_version_id?: string;
  name?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  pipeline_spec?: object;
  error?: KfpStatus;
}

export interface KfpTaskDetail {
  run_id?: string;
  task_id?: string;
  display_name?: string;
  create_time?: string;
  start_time?: string;
  end_time?: string;
  state?: KfpRuntimeState;
  /** int64, as a string. */
  execution_id?: string;
  error?: KfpStatus;
  parent_task_id?: string;
  /** The Argo node id, not the pod's name. */
  pod_name?: string;
  child_tasks?: { task_id?: string; pod_name?: string }[];
}

export interface KfpRun {
  experiment_id?: string;
  run_id?: string;
  display_name: string;
  description?: string;
  storage_state?: 'STORAGE_STATE_UNSPECIFIED' | 'AVAILABLE' | 'ARCHIVED';
  pipeline_version_id?: string;
  pipeline_spec?: object;
  pipeline_version_reference?: { pipeline_id: string; pipeline_version_id?: string };
  runtime_config?: { parameters?: { [name: string]: unknown }; pipeline_root?: string };
  service_account?: string;
  created_at?: string;
  scheduled_at?: string;
  finished_at?: string;
  state?: KfpRuntimeState;
  error?: KfpStatus;
  run_details?: {
    /** int64, as strings. */
    pipeline_context_id?: string;
    pipeline_run_context_id?: string;
    task_details?: KfpTaskDetail[];
  };
  state_history?: { update_time?: string; state?: KfpRuntimeState; error?: KfpStatus }[];
}

/** `v2beta1Filter`, sent URL-encoded as JSON in `filter=`. */
export interface KfpFilter {
  predicates: { key: string; operation: 'EQUALS' | 'NOT_EQUALS' | 'IN'; string_value?: string }[];
}

export function equalsFilter(key: string, value: string): string {
  const filter: KfpFilter = { predicates: [{ key, operation: 'EQUALS', string_value: value }] };
  return JSON.stringify(filter);
}
