/**
 * jupyterlab-kubeflow: plugins only. Each plugin wires models, services and
 * views that live in their own folders.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { BridgeClient } from './service/client';
import { BridgeConnection } from './service/connection';
import { IdentityModel } from './service/identity';
import { RunDefaultsModel } from './service/run-defaults';
import { defaultsFrom } from './pipeline/target';
import { addSection, createSidebar } from './panels/sidebar';
import { kubeflowIcon } from './icons';
import { INotebookTracker } from '@jupyterlab/notebook';
import { PipelineTracker } from './pipeline/tracker';
import pipelinePanel from './panels/pipeline/plugin';
import runsPanel from './panels/runs/plugin';
import deployPanel from './panels/deploy/plugin';
import tunePanel from './panels/tune/plugin';
import { cellsPlugin } from './cells';
import { CommandIDs, IKubeflowBridge, IPipelineTracker, PIPELINE_PLUGIN_ID, PLUGIN_ID } from './tokens';

export { IKubeflowBridge, IPipelineTracker } from './tokens';

/** Backoff settings in schema/plugin.json, in seconds. */
interface IReconnectSettings {
  reconnectInitialDelay: number;
  reconnectMaxDelay: number;
}

function backoffFrom(settings: ISettingRegistry.ISettings | null) {
  const composite = (settings?.composite ?? {}) as Partial<IReconnectSettings>;
  return {
    initial: 1000 * (composite.reconnectInitialDelay ?? 0.5),
    max: 1000 * (composite.reconnectMaxDelay ?? 10)
  };
}

const plugin: JupyterFrontEndPlugin<IKubeflowBridge> = {
  id: PLUGIN_ID,
  description: 'The Kubeflow panel and the connection to the Kubeflow bridge.',
  autoStart: true,
  provides: IKubeflowBridge,
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): Promise<IKubeflowBridge> => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_kubeflow');

    let settings: ISettingRegistry.ISettings | null = null;
    if (settingRegistry) {
      try {
        settings = await settingRegistry.load(PLUGIN_ID);
      } catch (reason) {
        console.error('jupyterlab-kubeflow: cannot load settings', reason);
      }
    }

    const client = new BridgeClient(app.serviceManager.serverSettings);
    const connection = new BridgeConnection(client, backoffFrom(settings));
    const identity = new IdentityModel(connection, client);
    const runDefaults = new RunDefaultsModel();
    runDefaults.set(defaultsFrom(settings?.composite));
    settings?.changed.connect(() => {
      connection.setBackoff(backoffFrom(settings));
      runDefaults.set(defaultsFrom(settings?.composite));
    });

    const sidebar = createSidebar(connection, translator, identity);
    app.shell.add(sidebar, 'right', { rank: 600 });
    restorer?.add(sidebar, sidebar.id);

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open the Kubeflow Panel'),
      caption: trans.__('Show the Kubeflow panel in the right sidebar'),
      icon: kubeflowIcon,
      execute: () => app.shell.activateById(sidebar.id)
    });
    app.commands.addCommand(CommandIDs.reconnect, {
      label: trans.__('Reconnect to the Kubeflow Bridge'),
      execute: () => connection.retryNow()
    });
    const category = trans.__('Kubeflow');
    palette?.addItem({ command: CommandIDs.openPanel, category });
    palette?.addItem({ command: CommandIDs.reconnect, category });

    connection.start();
    return {
      client,
      connection,
      identity,
      runDefaults,
      addSection: (widget, rank) => addSection(sidebar, widget, rank)
    };
  }
};

/** The live pipeline model of every open notebook; views build on it. */
const pipelines: JupyterFrontEndPlugin<IPipelineTracker> = {
  id: PIPELINE_PLUGIN_ID,
  description: 'The pipeline model (annotations, live step graph) of each open notebook.',
  autoStart: true,
  provides: IPipelineTracker,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, notebooks: INotebookTracker): IPipelineTracker =>
    new PipelineTracker(notebooks)
};

export default [plugin, pipelines, pipelinePanel, cellsPlugin, runsPanel, deployPanel, tunePanel];
