/**
 * A Katib trial runs the whole pipeline in ONE pod: this reads the KFP IR
 * (what compilePipeline returned) into the step programs in dependency
 * order, every placeholder resolved to a folder inside the pod, so a small
 * runner can call them one after the other. Tuned parameters become
 * `${trialParameters.<name>}`, which Katib substitutes into the trial's
 * text before it creates the Job; the other parameters keep their defaults.
 */

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

/** Where step outputs live inside the trial pod (`<root>/<task>/<output>`). */
export const TRIAL_ROOT = '/tmp/kubeflow-trial';

export interface TrialStep {
  name: string;
  /** The executor's command and args, placeholders resolved. */
  command: string[];
  image: string | null;
}

export class TrialPlanError extends Error {}

/** As KFP renders a parameter into a command line. */
function render(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

const PLACEHOLDER = /\{\{\$(?:\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\](?:\.(path))?)?\}\}/g;

/** The steps of `ir` in run order, with `tuned` parameters left for Katib to fill in. */
export function trialSteps(ir: object, tuned: readonly string[]): TrialStep[] {
  const spec = ir as Obj;
  const components = obj(spec.components);
  const executors = obj(obj(spec.deploymentSpec).executors);
  const root = obj(spec.root);
  const tasks = obj(obj(root.dag).tasks);
  const declared = obj(obj(root.inputDefinitions).parameters);
  const order = topological(tasks);
  return order.map(name => {
    const task = obj(tasks[name]);
    const component = obj(components[String(obj(task.componentRef).name)]);
    const container = obj(obj(executors[String(component.executorLabel)]).container);
    const inputs = obj(task.inputs);
    const parameter = (key: string): string => {
      const source = obj(obj(inputs.parameters)[key]);
      if (typeof source.componentInputParameter === 'string') {
        const p = source.componentInputParameter;
        if (tuned.includes(p)) {
          return `\${trialParameters.${p}}`;
        }
        const def = obj(declared[p]);
        if (!('defaultValue' in def)) {
          throw new TrialPlanError(`pipeline parameter ${p} has no default and is not tuned`);
        }
        return render(def.defaultValue);
      }
      const constant = obj(source.runtimeValue).constant;
      if (constant !== undefined) {
        return render(constant);
      }
      throw new TrialPlanError(`task ${name}: input parameter ${key} comes from another task, which a trial pod cannot run`);
    };
    const artifact = (key: string): string => {
      const source = obj(obj(obj(inputs.artifacts)[key]).taskOutputArtifact);
      if (typeof source.producerTask !== 'string' || typeof source.outputArtifactKey !== 'string') {
        throw new TrialPlanError(`task ${name}: input artifact ${key} has no producer task`);
      }
      return `${TRIAL_ROOT}/${source.producerTask}/${source.outputArtifactKey}`;
    };
    const resolve = (arg: string) =>
      arg.replace(PLACEHOLDER, (whole, io?: string, kind?: string, key?: string) => {
        if (io === undefined) {
          return '{}'; // `{{$}}`: no KFP executor input in a trial pod (the metrics step only logs it)
        }
        if (io === 'inputs') {
          return kind === 'parameters' ? parameter(key!) : artifact(key!);
        }
        if (kind === 'artifacts') {
          return `${TRIAL_ROOT}/${name}/${key}`;
        }
        throw new TrialPlanError(`task ${name}: placeholder ${whole} is not supported in a trial pod`);
      });
    const command = [...strings(container.command), ...strings(container.args)].map(resolve);
    return { name, command, image: typeof container.image === 'string' ? container.image : null };
  });
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Dependencies first; ties in IR order. */
function topological(tasks: Obj): string[] {
  const names = Object.keys(tasks);
  const deps = new Map(names.map(n => [n, strings(obj(tasks[n]).dependentTasks)]));
  const done: string[] = [];
  while (done.length < names.length) {
    const next = names.find(n => !done.includes(n) && deps.get(n)!.every(d => done.includes(d)));
    if (next === undefined) {
      throw new TrialPlanError('the pipeline has a dependency cycle');
    }
    done.push(next);
  }
  return done;
}

/**
 * The trial pod's program: runs each step's command in order (a step's
 * JSON is its own argument: Linux caps one argument at 128 KiB, and each
 * step carries a whole step program). The metrics step prints `name=value`
 * lines on stdout, which Katib's StdOut collector reads.
 */
export const TRIAL_RUNNER = `import json, subprocess, sys
for arg in sys.argv[1:]:
    step = json.loads(arg)
    print("[kubeflow] step %s" % step["name"], file=sys.stderr, flush=True)
    code = subprocess.call(step["command"])
    if code != 0:
        print("[kubeflow] step %s failed (exit %d)" % (step["name"], code), file=sys.stderr, flush=True)
        sys.exit(code)
`;
