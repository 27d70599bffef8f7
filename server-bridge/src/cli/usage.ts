/** A mistake in how the command was called: printed, exit code 2. */
export class UsageError extends Error {}

export const USAGE = `usage: kubeflow-bridge <command> [options]

commands:
  serve [--host 127.0.0.1] [--port N] [--watch-stdin]
                    run the bridge (secrets from the environment, see docs)
  analyze NOTEBOOK [--json]
                    steps, inputs, outputs and problems; exit 1 on errors
  compile NOTEBOOK [-o FILE]
                    KFP v2 IR YAML to stdout or FILE; exit 1 on errors
  --version         print the version
  --help            print this help
`;
