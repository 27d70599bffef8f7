/**
 * The cell commands: pipeline mode, start a step, set a role, continue the
 * step above, step settings. Each acts on the active cell of the current
 * notebook and writes through PipelineModel.setCellAnnotation, which refuses
 * (and writes nothing for) a value that would not read back cleanly.
 */
import { Dialog, InputDialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { CELL_ROLES, CellAnnotation, CellRole, StepAnnotation } from '../../core/src/types';
import { AnnotationError } from '../pipeline/model';
import type { IPipelineTracker } from '../tokens';
import { kubeflowIcon } from '../icons';
import { annotationFromForm, formFromAnnotation, withUnknownFields } from './form';
import { askStepName } from './name-dialog';
import { askStepSettings } from './settings-dialog';
import type { NotebookChips } from './notebook-chips';
import { activeCellTarget, ICellTarget } from './target';

export namespace CellCommandIDs {
  export const togglePipelineMode = 'kubeflow:toggle-pipeline-mode';
  export const startStep = 'kubeflow:start-step';
  export const setCellRole = 'kubeflow:set-cell-role';
  export const continueStep = 'kubeflow:continue-step';
  export const stepSettings = 'kubeflow:step-settings';
}

export interface ICellCommandsOptions {
  commands: CommandRegistry;
  notebooks: INotebookTracker;
  pipelines: IPipelineTracker;
  chipsOf: (panel: NotebookPanel) => NotebookChips | null;
  trans: TranslationBundle;
}

export function addCellCommands(options: ICellCommandsOptions): void {
  const { commands, notebooks, pipelines, chipsOf, trans } = options;
  const target = () => activeCellTarget(notebooks, pipelines);

  /** Write, or show why not; Kale notebooks are converted first (on consent). */
  const write = async (t: ICellTarget, annotation: CellAnnotation | null): Promise<boolean> => {
    if (t.kale && !(await convertKale(t))) {
      return false;
    }
    try {
      t.pipeline.setCellAnnotation(t.cell, annotation);
      return true;
    } catch (reason) {
      if (reason instanceof AnnotationError) {
        void showErrorMessage(trans.__('The annotation was not saved'), reason.message);
        return false;
      }
      throw reason;
    }
  };

  const convertKale = async (t: ICellTarget): Promise<boolean> => {
    const result = await showDialog({
      title: trans.__('Convert Kale Tags?'),
      body: trans.__(
        'This notebook is annotated with Kale tags. Convert them to Kubeflow annotations first (the tags stay, so Kale can still read the notebook)?'
      ),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: trans.__('Convert') })]
    });
    if (result.button.accept) {
      t.pipeline.convertFromKale();
    }
    return result.button.accept;
  };

  commands.addCommand(CellCommandIDs.togglePipelineMode, {
    label: args => (args.toolbar ? trans.__('Pipeline mode') : trans.__('Pipeline Mode')),
    caption: trans.__('Annotate cells as Kubeflow pipeline steps; show or hide the step chips'),
    icon: args => (args.toolbar ? kubeflowIcon : undefined),
    isEnabled: () => notebooks.currentWidget !== null,
    isToggled: () => {
      const panel = notebooks.currentWidget;
      return panel ? chipsOf(panel)?.shown ?? false : false;
    },
    execute: () => {
      const panel = notebooks.currentWidget;
      const pipeline = panel ? pipelines.get(panel) : null;
      const chips = panel ? chipsOf(panel) : null;
      if (!pipeline || !chips) {
        return;
      }
      if (!pipeline.enabled) {
        pipeline.enable();
        chips.setVisible(true);
      } else {
        chips.setVisible(!chips.shown);
      }
    }
  });

  commands.addCommand(CellCommandIDs.startStep, {
    label: trans.__('Start a Step Here…'),
    caption: trans.__('Make the active cell the first cell of a pipeline step'),
    isEnabled: () => target() !== null,
    execute: async () => {
      const t = target();
      if (!t) {
        return;
      }
      const current = t.own?.kind === 'step' ? t.own.names[0] : suggestName(t);
      const name = await askStepName(current, trans);
      if (name === null) {
        return;
      }
      // Renaming a step keeps its settings; anything else starts afresh.
      const stored = t.pipeline.rawAnnotation(t.cell);
      const annotation: StepAnnotation =
        t.own?.kind === 'step' && !t.kale ? { ...(stored as StepAnnotation), step: name } : { step: name };
      await write(t, annotation);
    }
  });

  commands.addCommand(CellCommandIDs.setCellRole, {
    label: args =>
      typeof args.role === 'string' ? trans.__('Role: %1', args.role) : trans.__('Set the Cell Role…'),
    caption: trans.__('Give the active cell a role: imports, functions, parameters, metrics or skip'),
    isEnabled: () => target() !== null,
    isToggled: args => {
      const own = target()?.own;
      return own?.kind === 'role' && own.role === args.role;
    },
    execute: async args => {
      const t = target();
      if (!t) {
        return;
      }
      let role = args.role as string | undefined;
      if (role === undefined) {
        const result = await InputDialog.getItem({
          title: trans.__('Cell Role'),
          items: [...CELL_ROLES],
          current: t.own?.kind === 'role' ? t.own.role : 0
        });
        if (!result.button.accept || !result.value) {
          return;
        }
        role = result.value;
      }
      await write(t, { role: role as CellRole });
    }
  });

  commands.addCommand(CellCommandIDs.continueStep, {
    label: trans.__('Continue the Step Above'),
    caption: trans.__('Remove the annotation of the active cell, so it continues the cell above'),
    isEnabled: () => target() !== null,
    execute: async () => {
      const t = target();
      if (t) {
        await write(t, null);
      }
    }
  });

  commands.addCommand(CellCommandIDs.stepSettings, {
    label: trans.__('Step Settings…'),
    caption: trans.__('Image, resources, GPU, cache, retries, secrets and dependencies of this step'),
    isEnabled: () => target()?.own?.kind === 'step',
    execute: async () => {
      const t = target();
      if (!t || t.own?.kind !== 'step' || (t.kale && !(await convertKale(t)))) {
        return;
      }
      const own = t.own;
      const initial = formFromAnnotation({ step: own.names[0], after: own.after, ...own.settings });
      const others = t.pipeline.graph.steps.map(s => s.name).filter(n => !own.names.includes(n));
      let form = initial;
      let problems = t.pipeline.problemsOfCell(t.index).map(p => p.message);
      for (;;) {
        const result = await askStepSettings(form, others, problems, trans);
        if (result === null) {
          return;
        }
        form = result;
        const converted = annotationFromForm(form);
        if (!converted.annotation) {
          continue;
        }
        try {
          const stored = t.pipeline.rawAnnotation(t.cell);
          t.pipeline.setCellAnnotation(t.cell, withUnknownFields(stored, converted.annotation));
          return;
        } catch (reason) {
          if (!(reason instanceof AnnotationError)) {
            throw reason;
          }
          problems = reason.problems.map(p => p.message);
        }
      }
    }
  });
}

/** "step-N" for the first N not taken. */
function suggestName(t: ICellTarget): string {
  const taken = new Set(t.pipeline.graph.steps.map(s => s.name));
  let n = taken.size + 1;
  while (taken.has(`step-${n}`)) {
    n++;
  }
  return `step-${n}`;
}
