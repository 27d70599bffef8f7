/**
 * The bridge's version. The bundler replaces BRIDGE_VERSION with the package
 * version at build time; tests run the sources directly and see "dev".
 */
declare const BRIDGE_VERSION: string | undefined;

export const VERSION: string =
  typeof BRIDGE_VERSION === 'string' ? BRIDGE_VERSION : '0.0.0-dev';

/** Engines this bridge can run pipelines on. */
export const ENGINES: readonly string[] = ['local'];
