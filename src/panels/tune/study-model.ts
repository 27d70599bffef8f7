/**
 * One study as the Tune view shows it: the record and its trials, kept
 * live from the bridge's `study` and `trial` events, the table's sort, and
 * what the charts draw.
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { StudyRecord, StudyWithTrials, TrialRecord } from '../../../core/src/tuning';
import { bestTrial, ISort, IObjectivePoint, IParallel, objectiveSeries, parallelCoordinates, sortTrials } from './series';

export class StudyModel {
  constructor(study: StudyWithTrials) {
    const { trials, ...record } = study;
    this._record = record;
    trials.forEach(t => this._trials.set(t.number, t));
  }

  get id(): string {
    return this._record.id;
  }

  get record(): StudyRecord {
    return this._record;
  }

  /** Trials by number. */
  get trials(): TrialRecord[] {
    return [...this._trials.values()].sort((a, b) => a.number - b.number);
  }

  get sort(): ISort {
    return this._sort;
  }

  /** Trials in the table's order. */
  get sorted(): TrialRecord[] {
    return sortTrials(this.trials, this._sort);
  }

  get best(): TrialRecord | null {
    return bestTrial(this.trials, this._record.spec.objective.direction);
  }

  get series(): IObjectivePoint[] {
    return objectiveSeries(this.trials, this._record.spec.objective.direction);
  }

  get parallel(): IParallel {
    return parallelCoordinates(this.trials, this._record.spec.parameters, this._record.spec.objective.metric);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Sort by a column; the same column again flips the direction. */
  sortBy(key: string): void {
    this._sort = { key, ascending: this._sort.key === key ? !this._sort.ascending : true };
    this._changed.emit();
  }

  onStudy(study: StudyRecord): void {
    if (study.id === this.id) {
      this._record = study;
      this._changed.emit();
    }
  }

  onTrial(study: string, trial: TrialRecord): void {
    if (study === this.id) {
      this._trials.set(trial.number, trial);
      this._changed.emit();
    }
  }

  /** A fresh answer from the API (after a reconnect): it replaces what is known. */
  reset(study: StudyWithTrials): void {
    const { trials, ...record } = study;
    this._record = record;
    trials.forEach(t => this._trials.set(t.number, t));
    this._changed.emit();
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _record: StudyRecord;
  private _trials = new Map<number, TrialRecord>();
  private _sort: ISort = { key: 'number', ascending: true };
  private _changed = new Signal<this, void>(this);
}
