/**
 * `kubeflow:export-pipeline` and `kubeflow:copy-pipeline`: compile the
 * active notebook's pipeline and save it next to the notebook (see
 * export.ts for the file name) or copy it. On an error problem or a
 * compile error they say what is wrong (cell, step, field) and write
 * nothing.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon, downloadIcon } from '@jupyterlab/ui-components';
import { ExportError, exportPipeline, pipelineYaml } from './export';
import type { IPipelineSource } from './model';

export namespace PipelineCommandIDs {
  export const exportPipeline = 'kubeflow:export-pipeline';
  export const copyPipeline = 'kubeflow:copy-pipeline';
}

export function addPipelineCommands(
  app: JupyterFrontEnd,
  source: IPipelineSource,
  trans: TranslationBundle
): void {
  const ready = () => {
    const model = source.current;
    const panel = source.currentPanel;
    if (!model || !panel) {
      return null;
    }
    // The graph lags edits by the debounce; export what the user sees now.
    model.refreshNow();
    return { model, panel };
  };
  const fail = (title: string, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    Notification.error(`${title}: ${message}`, { autoClose: false });
    if (!(error instanceof ExportError)) {
      console.error('jupyterlab-kubeflow: export failed', error);
    }
  };
  const isEnabled = () => source.current !== null && source.current.enabled;

  app.commands.addCommand(PipelineCommandIDs.exportPipeline, {
    label: trans.__('Export the Pipeline as KFP YAML'),
    caption: trans.__('Compile the notebook pipeline and save it next to the notebook'),
    icon: downloadIcon,
    isEnabled,
    execute: async () => {
      const current = ready();
      if (!current) {
        return null;
      }
      try {
        const path = await exportPipeline(
          current.model.graph,
          current.panel.context.path,
          app.serviceManager.contents
        );
        Notification.success(trans.__('Pipeline exported to %1', path), { autoClose: 5000 });
        return path;
      } catch (error) {
        fail(trans.__('Pipeline not exported'), error);
        return null;
      }
    }
  });

  app.commands.addCommand(PipelineCommandIDs.copyPipeline, {
    label: trans.__('Copy the Pipeline as KFP YAML'),
    caption: trans.__('Compile the notebook pipeline and copy the YAML to the clipboard'),
    icon: copyIcon,
    isEnabled,
    execute: () => {
      const current = ready();
      if (!current) {
        return null;
      }
      try {
        const yaml = pipelineYaml(current.model.graph);
        Clipboard.copyToSystem(yaml);
        Notification.success(trans.__('Pipeline YAML copied'), { autoClose: 3000 });
        return yaml;
      } catch (error) {
        fail(trans.__('Pipeline not copied'), error);
        return null;
      }
    }
  });
}
