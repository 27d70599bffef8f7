/**
 * The deploy plugin: the Deployments section of the Kubeflow panel, one
 * main-area view per deployment (restored with the layout), and the
 * commands (deploy a run's model output, open a deployment, show them all).
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, MainAreaWidget, showDialog, WidgetTracker } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { BridgeClient } from '../../service/client';
import { DeploymentsClient } from '../../service/deployments';
import { CommandIDs, IKubeflowBridge } from '../../tokens';
import { addDeployCommands, DeployCommandIDs } from './commands';
import { DeploymentModel } from './deployment-model';
import { deployIcon } from './icons';
import { DeploymentsModel } from './model';
import { DEPLOY_SECTION_RANK, DeploymentsSection, SectionModel } from './section';
import { DeploymentView } from './view';

export const DEPLOY_PLUGIN_ID = 'jupyterlab-kubeflow:deploy';

export const deployPlugin: JupyterFrontEndPlugin<void> = {
  id: DEPLOY_PLUGIN_ID,
  description: 'Deploy a run’s model: local KServe model servers, champion and challenger, gate, bandit routing, try it.',
  autoStart: true,
  requires: [IKubeflowBridge],
  optional: [ITranslator, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    bridge: IKubeflowBridge,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_kubeflow');
    const transport = bridge.client as BridgeClient;
    const client = new DeploymentsClient(transport);
    const deployments = new DeploymentsModel(client, bridge.connection);

    const section = new DeploymentsSection(
      new SectionModel(deployments),
      name => void app.commands.execute(DeployCommandIDs.openDeployment, { name }),
      trans
    );
    section.id = 'jp-kubeflow-deployments';
    section.title.label = trans.__('Deployments');
    section.disposed.connect(() => section.model.dispose());
    bridge.addSection(section, DEPLOY_SECTION_RANK);

    const tracker = new WidgetTracker<MainAreaWidget<DeploymentView>>({ namespace: 'kubeflow-deployment' });
    const confirmDelete = async (name: string) =>
      (
        await showDialog({
          title: trans.__('Delete deployment %1?', name),
          body: trans.__('Its model servers are stopped and its predict URL stops answering.'),
          buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.warnButton({ label: trans.__('Delete') })]
        })
      ).button.accept;

    const open = (name: string) => {
      const id = `jp-kubeflow-deployment-${name}`;
      const existing = tracker.find(w => w.id === id);
      if (existing) {
        app.shell.activateById(id);
        return;
      }
      const model = new DeploymentModel(name, deployments, client, trans);
      const widget = new MainAreaWidget({ content: new DeploymentView(model, { trans, confirmDelete }) });
      widget.id = id;
      widget.title.label = name;
      widget.title.caption = trans.__('Deployment %1', name);
      widget.title.icon = deployIcon;
      widget.title.closable = true;
      widget.disposed.connect(() => model.dispose());
      void tracker.add(widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(id);
    };

    addDeployCommands(app, {
      bridge: transport,
      client,
      deployments,
      trans,
      open,
      showPanel: () => void app.commands.execute(CommandIDs.openPanel)
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: DeployCommandIDs.openDeployment,
        args: w => ({ name: w.content.model.name }),
        name: w => w.content.model.name
      });
    }
    palette?.addItem({ command: DeployCommandIDs.showDeployments, category: trans.__('Kubeflow') });
    void deployments.load();
  }
};

export default deployPlugin;
