/**
 * What this extension offers other plugins: the bridge client and the live
 * connection. Later plugins (pipeline, runs, tuning, deploy) depend on this
 * token instead of opening sockets of their own.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { IBridgeClient } from './service/client';
import type { BridgeConnection } from './service/connection';
import type { IdentityModel } from './service/identity';
import type { RunDefaultsModel } from './service/run-defaults';
import type { PipelineTracker } from './pipeline/tracker';

export const PLUGIN_ID = 'jupyterlab-kubeflow:plugin';
export const PIPELINE_PLUGIN_ID = 'jupyterlab-kubeflow:pipeline';

export namespace CommandIDs {
  export const openPanel = 'kubeflow:open-panel';
  export const reconnect = 'kubeflow:reconnect';
}

export interface IKubeflowBridge {
  readonly client: IBridgeClient;
  readonly connection: BridgeConnection;
  /** Who the bridge acts as on Kubeflow for this user, and whether runs can go there. */
  readonly identity: IdentityModel;
  /** The default run target and experiment from the settings registry. */
  readonly runDefaults: RunDefaultsModel;
  /**
   * Add a section to the Kubeflow panel. Sections stack by rank, lowest
   * first (the bridge status is 100); `widget.title.label` is its heading.
   */
  addSection(widget: Widget, rank: number): void;
}

export const IKubeflowBridge = new Token<IKubeflowBridge>(
  'jupyterlab-kubeflow:IKubeflowBridge',
  'The Kubeflow bridge client and its live connection.'
);

/** The pipeline model of every open notebook. */
export type IPipelineTracker = PipelineTracker;

export const IPipelineTracker = new Token<IPipelineTracker>(
  'jupyterlab-kubeflow:IPipelineTracker',
  'The pipeline (annotations and live step graph) of each open notebook.'
);

/**
 * The task states of each notebook's selected run, for views that show
 * steps (the Pipeline section's DAG). Keys are KFP task names.
 */
export interface IRunStates {
  /** Task state by task name, or null when no run of the notebook is selected. */
  statesOf(notebookPath: string): ReadonlyMap<string, string> | null;
  /** Open a task of the selected run; false when there is none to open. */
  openTask(notebookPath: string, task: string): boolean;
  /** Select a run of the notebook (as a click in the runs list does), so the DAG shows its task states. */
  selectRun(notebookPath: string, run: string): Promise<void>;
  /** Emits a notebook path whose runs changed. */
  readonly changed: ISignal<unknown, string>;
}

export const IRunStates = new Token<IRunStates>(
  'jupyterlab-kubeflow:IRunStates',
  'The task states of the selected run of each notebook.'
);
