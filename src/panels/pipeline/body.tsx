/**
 * The pipeline section: what the active notebook's pipeline is and what
 * can be done with it. Renders the PipelinePanelModel; every action goes
 * to the model or to a command.
 */
import * as React from 'react';
import type { CommandRegistry } from '@lumino/commands';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer, copyIcon, downloadIcon, runIcon } from '@jupyterlab/ui-components';
import { PipelineCommandIDs } from './commands';
import { Dag } from './dag';
import { PipelinePanelModel } from './model';
import { ProblemsList } from './problems';
import { SettingsForm } from './settings';
import { TargetSelect } from './target';
import type { TargetModel } from './target-model';

/** The runs plugin's command (absent when that plugin is disabled). */
const RUN_COMMAND = 'kubeflow:run-pipeline';

export class PipelineBody extends VDomRenderer<PipelinePanelModel> {
  constructor(
    model: PipelinePanelModel,
    private commands: CommandRegistry,
    private trans: TranslationBundle,
    private target: TargetModel | null = null
  ) {
    super(model);
    this.addClass('jp-KubeflowPipeline');
    target?.changed.connect(() => this.update(), this);
  }

  protected render(): React.ReactElement {
    const mode = this.model.mode;
    return (
      <div className="jp-KubeflowPipeline-body" data-mode={mode}>
        {mode === 'none' && (
          <p className="jp-KubeflowPipeline-hint">{this.trans.__('Open a notebook to see its pipeline.')}</p>
        )}
        {mode === 'off' && this.renderOff()}
        {mode === 'kale' && this.renderKale()}
        {(mode === 'on' || mode === 'kale') && this.renderPipeline()}
      </div>
    );
  }

  private renderOff(): React.ReactElement {
    return (
      <div className="jp-KubeflowPipeline-off">
        <p className="jp-KubeflowPipeline-hint">
          {this.trans.__(
            'This notebook is not a pipeline yet. In pipeline mode each code cell can start a step or play a role (imports, functions, parameters, metrics), and the steps run on this machine or on Kubeflow.'
          )}
        </p>
        <button
          className="jp-Button jp-mod-styled jp-mod-accept"
          data-action="enable"
          onClick={() => this.model.enable()}
        >
          {this.trans.__('Use this notebook as a pipeline')}
        </button>
      </div>
    );
  }

  private renderKale(): React.ReactElement {
    return (
      <div className="jp-KubeflowPipeline-kale" role="note">
        <strong>{this.trans.__('Kale annotations found')}</strong>
        <p className="jp-KubeflowPipeline-hint">
          {this.trans.__(
            'The pipeline below is read from the Kale tags. Converting writes the same steps as jupyterlab-kubeflow annotations; the tags stay.'
          )}
        </p>
        <button
          className="jp-Button jp-mod-styled jp-mod-accept"
          data-action="convert"
          onClick={() => this.model.convertFromKale()}
        >
          {this.trans.__('Convert to jupyterlab-kubeflow annotations')}
        </button>
      </div>
    );
  }

  private renderPipeline(): React.ReactElement {
    const model = this.model;
    const graph = model.graph!;
    const errors = graph.problems.filter(p => p.severity === 'error').length;
    return (
      <>
        <div className="jp-KubeflowPipeline-actions">
          {this.commands.hasCommand(RUN_COMMAND) && (
            <button
              className="jp-Button jp-mod-styled jp-mod-accept"
              data-action="run"
              title={this.commands.caption(RUN_COMMAND)}
              onClick={() => void this.commands.execute(RUN_COMMAND)}
            >
              <runIcon.react tag="span" className="jp-KubeflowPipeline-buttonIcon" />
              {this.trans.__('Run')}
            </button>
          )}
          {this.commands.hasCommand(RUN_COMMAND) && this.target && (
            <TargetSelect
              value={this.target.value}
              available={this.target.available}
              reason={this.target.reason}
              onChange={target => this.target?.setTarget(target)}
              trans={this.trans}
            />
          )}
          <button
            className="jp-Button jp-mod-styled jp-mod-accept"
            data-action="export"
            title={this.trans.__('Compile and save the pipeline YAML next to the notebook')}
            onClick={() => void this.commands.execute(PipelineCommandIDs.exportPipeline)}
          >
            <downloadIcon.react tag="span" className="jp-KubeflowPipeline-buttonIcon" />
            {this.trans.__('Export')}
          </button>
          <button
            className="jp-Button jp-mod-styled jp-mod-reject"
            data-action="copy"
            title={this.trans.__('Copy the pipeline YAML to the clipboard')}
            onClick={() => void this.commands.execute(PipelineCommandIDs.copyPipeline)}
          >
            <copyIcon.react tag="span" className="jp-KubeflowPipeline-buttonIcon" />
            {this.trans.__('Copy')}
          </button>
        </div>
        {this.target?.error && (
          <div className="jp-KubeflowSettings-error" role="alert" data-setting-error="target">
            {this.target.error}
          </div>
        )}
        <h3 className="jp-KubeflowPipeline-heading">{this.trans.__('Settings')}</h3>
        <SettingsForm
          settings={model.settings}
          defaultName={graph.pipeline.name}
          errors={model.settingErrors}
          onCommit={(field, value) => model.setSetting(field, value)}
          trans={this.trans}
        />
        <h3 className="jp-KubeflowPipeline-heading">
          {this.trans._n('%1 step', '%1 steps', model.nodes.size)}
        </h3>
        {model.layout && (
          <Dag
            layout={model.layout}
            nodes={model.nodes}
            onSelect={step => model.selectStep(step)}
            trans={this.trans}
            states={model.states}
          />
        )}
        <h3 className="jp-KubeflowPipeline-heading">
          {errors
            ? this.trans._n('Problems (%1 error)', 'Problems (%1 errors)', errors)
            : this.trans.__('Problems')}
        </h3>
        <ProblemsList problems={graph.problems} onSelect={cell => model.jumpToCell(cell)} trans={this.trans} />
      </>
    );
  }
}
