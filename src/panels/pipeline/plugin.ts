/**
 * The pipeline section plugin: adds the section to the Kubeflow panel and
 * the export and copy commands to the palette.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IKubeflowBridge, IPipelineTracker, IRunStates } from '../../tokens';
import { PIPELINE_SECTION_RANK, PipelineCommandIDs, addPipelineCommands, createPipelineSection } from './index';

export const PIPELINE_PANEL_PLUGIN_ID = 'jupyterlab-kubeflow:pipeline-panel';

export const pipelinePanelPlugin: JupyterFrontEndPlugin<void> = {
  id: PIPELINE_PANEL_PLUGIN_ID,
  description: 'The Pipeline section of the Kubeflow panel: settings, step DAG, problems, export.',
  autoStart: true,
  requires: [IKubeflowBridge, IPipelineTracker],
  optional: [ICommandPalette, ITranslator, IRunStates],
  activate: (
    app: JupyterFrontEnd,
    bridge: IKubeflowBridge,
    pipelines: IPipelineTracker,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    runs: IRunStates | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_kubeflow');
    addPipelineCommands(app, pipelines, trans);
    bridge.addSection(createPipelineSection(pipelines, app.commands, trans, runs, {
      identity: bridge.identity,
      defaults: bridge.runDefaults
    }), PIPELINE_SECTION_RANK);
    const category = trans.__('Kubeflow');
    palette?.addItem({ command: PipelineCommandIDs.exportPipeline, category });
    palette?.addItem({ command: PipelineCommandIDs.copyPipeline, category });
  }
};

export default pipelinePanelPlugin;
