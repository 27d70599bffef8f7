/**
 * The one error the compiler throws. It names what is at fault (step,
 * field, Python name, cell) so the extension can point at it and a CI log
 * says what to fix. (`Error.name` is taken, hence `variable`.)
 */
export interface CompileErrorPlace {
  step?: string;
  field?: string;
  variable?: string;
  cell?: number | null;
}

export class CompileError extends Error {
  readonly step?: string;
  readonly field?: string;
  readonly variable?: string;
  readonly cell?: number | null;

  constructor(message: string, place: CompileErrorPlace = {}) {
    super(message);
    this.name = 'CompileError';
    this.step = place.step;
    this.field = place.field;
    this.variable = place.variable;
    this.cell = place.cell;
  }
}
