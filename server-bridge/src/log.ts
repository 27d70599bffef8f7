/**
 * Structured logs: one JSON object a line on stderr, which the Jupyter server
 * extension parses and forwards to Jupyter's own log.
 *
 * Never pass request headers, tokens or secrets in `fields`: the logger does
 * not know which strings are secret. As a last line of defence it drops any
 * field whose key looks like a credential.
 */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export type LogFields = { [key: string]: unknown };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warning(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const SECRET_KEY = /(secret|token|authorization|password|cookie|headers?)$/i;

export function createLogger(
  write: (line: string) => void = line => process.stderr.write(line),
  now: () => Date = () => new Date()
): Logger {
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    const record: LogFields = { ts: now().toISOString(), level, msg };
    for (const [key, value] of Object.entries(fields)) {
      if (!SECRET_KEY.test(key)) {
        record[key] = value;
      }
    }
    write(JSON.stringify(record) + '\n');
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warning: (msg, fields) => emit('warning', msg, fields),
    error: (msg, fields) => emit('error', msg, fields)
  };
}
