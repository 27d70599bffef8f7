/**
 * One deployment's view: its live record (from the DeploymentsModel), the
 * "try it" form (instances as JSON, the last answer: predictions, the
 * version that answered, latency) and the actions on it (share, routing,
 * promote, roll back, delete) with the outcome of the last one. A refused
 * promotion is a message with both metrics, not an error dialog.
 */
import { VDomModel } from '@jupyterlab/ui-components';
import type { TranslationBundle } from '@jupyterlab/translation';
import { DeploymentWire, isGateRefused, PredictAnswerWire, RoutingWire } from '../../../core/src/protocol';
import { DeploymentError, DeploymentsClient } from '../../service/deployments';
import { refusalText } from './format';
import type { DeploymentsModel } from './model';

export type DeployActionsClient = Pick<
  DeploymentsClient,
  'predict' | 'setShare' | 'setRouting' | 'promote' | 'rollback' | 'remove' | 'predictUrl'
>;

export interface IActionMessage {
  kind: 'info' | 'refused' | 'error';
  text: string;
}

/** Instances to send: a JSON list, or `{"instances": [...]}`. */
export function parseInstances(text: string): { instances: unknown[] } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && 'instances' in value) {
    value = (value as { instances: unknown }).instances;
  }
  if (!Array.isArray(value) || value.length === 0) {
    return { error: 'give a non-empty list of instances, e.g. [[5.1, 3.5, 1.4, 0.2]]' };
  }
  return { instances: value };
}

/** Instances last sent per deployment name, to prefill the form when it opens again. */
const lastInstances = new Map<string, string>();

export class DeploymentModel extends VDomModel {
  constructor(
    readonly name: string,
    private all: DeploymentsModel,
    private client: DeployActionsClient,
    private trans: TranslationBundle
  ) {
    super();
    this._instances = lastInstances.get(name) ?? '';
    all.changed.connect(this.onChanged, this);
  }

  /** Null once deleted (or before the list has loaded). */
  get deployment(): DeploymentWire | null {
    return this.all.get(this.name);
  }

  /** Where to predict: the InferenceService's URL on Kubeflow, else the bridge's route behind Jupyter. */
  get url(): string {
    const kserve = this.deployment?.kserve;
    if (kserve) {
      return kserve.url ?? '';
    }
    return this.client.predictUrl({ url: this.deployment?.url ?? `/api/deployments/${encodeURIComponent(this.name)}` });
  }

  get instances(): string {
    return this._instances;
  }

  set instances(text: string) {
    this._instances = text;
    this.stateChanged.emit();
  }

  get answer(): PredictAnswerWire | null {
    return this._answer;
  }

  get predictError(): string {
    return this._predictError;
  }

  get message(): IActionMessage | null {
    return this._message;
  }

  get busy(): boolean {
    return this._busy;
  }

  async predict(): Promise<void> {
    const parsed = parseInstances(this._instances);
    if ('error' in parsed) {
      this._predictError = parsed.error;
      this._answer = null;
      this.stateChanged.emit();
      return;
    }
    lastInstances.set(this.name, this._instances);
    await this.act(async () => {
      this._predictError = '';
      try {
        this._answer = await this.client.predict(this.name, parsed.instances);
      } catch (err) {
        this._answer = null;
        this._predictError = err instanceof Error ? err.message : String(err);
      }
    });
  }

  setShare(percent: number): Promise<void> {
    return this.act(async () => this.all.adopt(await this.client.setShare(this.name, percent)));
  }

  setRouting(routing: RoutingWire): Promise<void> {
    return this.act(async () => this.all.adopt(await this.client.setRouting(this.name, routing)));
  }

  promote(): Promise<void> {
    return this.act(async () => {
      const result = await this.client.promote(this.name);
      this.all.adopt(result.deployment);
      return this.trans.__('Promoted: the challenger is now the champion.');
    });
  }

  rollback(): Promise<void> {
    return this.act(async () => {
      this.all.adopt(await this.client.rollback(this.name));
      return this.trans.__('Rolled back.');
    });
  }

  remove(): Promise<void> {
    return this.act(async () => {
      await this.client.remove(this.name);
      this.all.forget(this.name);
    });
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.all.changed.disconnect(this.onChanged, this);
    }
    super.dispose();
  }

  /** Run an action; its result (or refusal, or error) becomes the message. */
  private async act(action: () => Promise<string | void>): Promise<void> {
    this._busy = true;
    this._message = null;
    this.stateChanged.emit();
    try {
      const info = await action();
      this._message = info ? { kind: 'info', text: info } : null;
    } catch (err) {
      if (err instanceof DeploymentError && err.status === 409 && isGateRefused(err.body)) {
        this._message = { kind: 'refused', text: refusalText(err.body, this.trans) };
      } else {
        this._message = { kind: 'error', text: err instanceof Error ? err.message : String(err) };
      }
    }
    this._busy = false;
    if (!this.isDisposed) {
      this.stateChanged.emit();
    }
  }

  private onChanged(): void {
    this.stateChanged.emit();
  }

  private _instances: string;
  private _answer: PredictAnswerWire | null = null;
  private _predictError = '';
  private _message: IActionMessage | null = null;
  private _busy = false;
}
