/** A mistake in how the command was called: printed, exit code 2. */
export class UsageError extends Error {}

export const USAGE = `usage: kubeflow-bridge <command> [options]

commands:
  serve [--host 127.0.0.1 [--allow-remote]] [--port N] [--watch-stdin]
        [--secret-file PATH] [--kernel-token-file PATH] [--data-dir DIR] [--root-dir DIR]
        [--python PATH] [--identity none|pod|shared] [--kubeconfig PATH]
        [--user-map PATH] [--profiles on|off] [--kfp-endpoint URL]
        [--kserve-deployment-mode knative|standard] [--kserve-service-account NAME]
        [--kserve-feedback-batch N]
                    run the bridge (secrets from the environment, see docs)
  analyze NOTEBOOK [--json]
                    steps, inputs, outputs and problems; exit 1 on errors
  compile NOTEBOOK [-o FILE]
                    KFP v2 IR YAML to stdout or FILE; exit 1 on errors
  run NOTEBOOK [--param name=value ...] [--no-cache] [--json] [--python PATH]
      [--data-dir DIR] [--parallelism N] [--timeout SECONDS]
                    run the pipeline on this machine; exit 0 only if it succeeded
  tune NOTEBOOK --space NAME=FORM ... --objective METRIC --maximize|--minimize
      [--trials N] [--parallel K] [--algorithm tpe] [--seed S] [--max-failed N]
      [--goal G] [--no-cache] [--json] [--python PATH] [--data-dir DIR]
                    a local tuning study (Optuna); FORM: uniform:LO:HI,
                    loguniform:LO:HI, int:LO:HI[:STEP], choice:A,B,C
  deploy RUN_ID --name NAME [--output model] [--challenger [--percent N]]
      [--gate METRIC:maximize|minimize:MARGIN] [--predict FILE.json] [--data-dir DIR] [--json]
                    deploy a run's model locally (KServe model server); a
                    gated challenger that does not beat the champion exits 1
  --version         print the version
  --help            print this help
`;
