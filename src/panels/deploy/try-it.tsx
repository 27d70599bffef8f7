/**
 * "Try it": instances as JSON, sent to the deployment's predict endpoint;
 * the answer shows the predictions, the version (and role) that answered,
 * the latency and the request id (for feedback).
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { DeploymentModel } from './deployment-model';

export function TryIt(props: { model: DeploymentModel; trans: TranslationBundle }): React.ReactElement {
  const { model, trans } = props;
  const answer = model.answer;
  return (
    <div className="jp-KubeflowDeploy-try">
      <label className="jp-KubeflowDeploy-instancesLabel">
        {trans.__('Instances (JSON: a list of rows, or {"instances": [...]})')}
        <textarea
          name="instances"
          className="jp-KubeflowDeploy-instances"
          rows={4}
          spellCheck={false}
          placeholder='[[5.1, 3.5, 1.4, 0.2]]'
          value={model.instances}
          onChange={e => (model.instances = e.target.value)}
        />
      </label>
      <button
        className="jp-Button jp-mod-styled jp-mod-accept"
        data-action="predict"
        disabled={model.busy || !model.instances.trim()}
        onClick={() => void model.predict()}
      >
        {trans.__('Predict')}
      </button>
      {model.predictError && (
        <p className="jp-KubeflowDeploy-error" role="alert" data-testid="predict-error">
          {model.predictError}
        </p>
      )}
      {answer && (
        <dl className="jp-KubeflowDeploy-answer" data-version={answer.version}>
          <dt>{trans.__('Predictions')}</dt>
          <dd data-testid="predictions">{JSON.stringify(answer.predictions)}</dd>
          <dt>{trans.__('Answered by')}</dt>
          <dd data-testid="answered-by">
            {answer.version} ({answer.role})
          </dd>
          <dt>{trans.__('Latency')}</dt>
          <dd data-testid="latency">{trans.__('%1 ms', Math.round(answer.latency_ms * 10) / 10)}</dd>
          <dt>{trans.__('Request id')}</dt>
          <dd className="jp-KubeflowDeploy-kind">{answer.request_id}</dd>
        </dl>
      )}
    </div>
  );
}
