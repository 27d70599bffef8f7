/** `kubeflow-bridge`: the bridge's command line. */
import { analyze } from './cli/analyze';
import { compile } from './cli/compile';
import { deploy } from './cli/deploy';
import { run } from './cli/run';
import { serve } from './cli/serve';
import { tune } from './cli/tune';
import { USAGE, UsageError } from './cli/usage';
import { VERSION } from './version';

type Command = (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>;

const COMMANDS: { [name: string]: Command } = { serve, analyze, compile, run, tune, deploy };

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === 'version') {
    process.stdout.write(`kubeflow-bridge ${VERSION}\n`);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`kubeflow-bridge: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, env);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`kubeflow-bridge ${command}: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * Exit once stdout and stderr are flushed. Node writes to a full pipe
 * asynchronously, so a bare `process.exit` would cut `compile`'s YAML off
 * at 64 KiB when a reader (CI, pytest) is slower than us.
 */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const done = () => --pending === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    code => exitWhenFlushed(code),
    err => {
      process.stderr.write(`kubeflow-bridge: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    }
  );
}
