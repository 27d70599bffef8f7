/**
 * Deploy commands:
 * - `kubeflow:deploy-output` {run, output}: the Deploy dialog for a run's
 *   model output, then the deployment opens in the main area;
 * - `kubeflow:open-deployment` {name}: one deployment in the main area;
 * - `kubeflow:show-deployments`: the Kubeflow panel, where the Deployments
 *   section lists them all.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { RunWire } from '../../../core/src/protocol';
import type { BridgeClient } from '../../service/client';
import type { DeploymentsClient } from '../../service/deployments';
import { askDeploy } from './dialog';
import { deployIcon } from './icons';
import type { DeploymentsModel } from './model';

export namespace DeployCommandIDs {
  export const deployOutput = 'kubeflow:deploy-output';
  export const openDeployment = 'kubeflow:open-deployment';
  export const showDeployments = 'kubeflow:show-deployments';
}

export interface IDeployCommandDeps {
  bridge: Pick<BridgeClient, 'request'>;
  client: Pick<DeploymentsClient, 'deploy'>;
  deployments: DeploymentsModel;
  trans: TranslationBundle;
  open: (name: string) => void;
  showPanel: () => void;
}

export function addDeployCommands(app: JupyterFrontEnd, deps: IDeployCommandDeps): void {
  const { bridge, client, deployments, trans } = deps;
  app.commands.addCommand(DeployCommandIDs.deployOutput, {
    label: args => (args.output ? trans.__('Deploy %1…', String(args.output)) : trans.__('Deploy…')),
    caption: trans.__('Serve a run’s model output: a new deployment, or a challenger of one'),
    icon: deployIcon,
    execute: async args => {
      const run = String(args.run ?? '');
      const output = String(args.output ?? 'model');
      if (!run) {
        Notification.warning(trans.__('Open a task of a run and pick a model output to deploy.'));
        return null;
      }
      try {
        const record = await bridge.request<RunWire>(`runs/${encodeURIComponent(run)}`);
        const request = await askDeploy(
          { run, output, metrics: record.metrics ?? {}, suggestedName: record.pipeline },
          deployments.deployments.map(d => d.name),
          deployments.engines.includes('kubeflow'),
          trans
        );
        if (!request) {
          return null;
        }
        const result = await client.deploy(request);
        deployments.adopt(result.deployment);
        deps.open(result.deployment.name);
        Notification.success(
          request.role === 'champion'
            ? trans.__('Deployed %1 of run %2 as %3', output, run, request.name)
            : trans.__('Added %1 of run %2 as the challenger of %3', output, run, request.name),
          { autoClose: 5000 }
        );
        return result.deployment.name;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        Notification.error(trans.__('Not deployed: %1', message), { autoClose: false });
        return null;
      }
    }
  });
  app.commands.addCommand(DeployCommandIDs.openDeployment, {
    label: args => (args.name ? trans.__('Open Deployment %1', String(args.name)) : trans.__('Open Deployment')),
    icon: deployIcon,
    execute: args => {
      if (args.name) {
        deps.open(String(args.name));
      }
    }
  });
  app.commands.addCommand(DeployCommandIDs.showDeployments, {
    label: trans.__('Show Model Deployments'),
    caption: trans.__('The Deployments section of the Kubeflow panel'),
    icon: deployIcon,
    execute: () => deps.showPanel()
  });
}
