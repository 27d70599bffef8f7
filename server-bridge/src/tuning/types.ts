/**
 * Study and trial records: one shape for the store, the API, the events and
 * the Tune view, defined in core (core/src/tuning/wire.ts) so the browser
 * reads exactly what the bridge sends.
 */
export * from '../../../core/src/tuning/wire';
