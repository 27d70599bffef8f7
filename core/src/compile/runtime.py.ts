/**
 * The Python that opens every step program (see program.ts for what follows
 * it). Standard library only, Python 3.9+: numpy, pandas, joblib and
 * cloudpickle are imported only when a value needs them, so any image with
 * a `python3` runs a step and nothing is installed or downloaded at run time.
 *
 * Kept as a raw template (no `${` or backticks inside) so the Python reads
 * as Python.
 */
export const RUNTIME_PY = String.raw`# --- jupyterlab-kubeflow step runtime ---
# argv: --param NAME VALUE | --in NAME DIR | --out NAME DIR
#       | --metrics DIR | --executor-input JSON (the last two: metrics step)
# An artifact is a directory: kubeflow.json {name, type, format, file} + file.
import builtins
import json
import linecache
import math
import numbers
import os
import pickle
import sys
import traceback
import types

META_FILE = "kubeflow.json"
FILES = {"npy": "value.npy", "pandas": "value.pkl", "joblib": "model.joblib",
         "cloudpickle": "value.cloudpickle", "pickle": "value.pickle",
         "json": "metrics.json"}
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


class StepFailure(Exception):
    """A failure explained in one line (no traceback needed)."""


def log(message):
    print("[kubeflow] " + message, file=sys.stderr, flush=True)


def parse_args(argv):
    args = {"param": {}, "in": {}, "out": {}, "metrics": None,
            "executor-input": None}
    i = 0
    while i < len(argv):
        key = argv[i][2:] if argv[i].startswith("--") else None
        if key in ("param", "in", "out") and i + 2 < len(argv):
            args[key][argv[i + 1]] = argv[i + 2]
            i += 3
        elif key in ("metrics", "executor-input") and i + 1 < len(argv):
            args[key] = argv[i + 1]
            i += 2
        else:
            raise StepFailure("bad argument %r (at %d)" % (argv[i], i))
    return args


def convert_param(name, kind, text):
    """KFP hands every parameter over as text: give it its declared type."""
    try:
        if kind == "str":
            return text
        if kind == "int":
            try:
                return int(text)
            except ValueError:
                number = float(text)  # "3.0": some backends render ints so
                if number.is_integer():
                    return int(number)
                raise
        if kind == "float":
            return float(text)
        if kind == "bool":
            word = text.strip().lower()
            if word in TRUE_WORDS or word in FALSE_WORDS:
                return word in TRUE_WORDS
            raise ValueError("not a boolean")
        value = json.loads(text)
        if isinstance(value, {"list": list, "dict": dict}[kind]):
            return value
        raise ValueError("not a JSON " + kind)
    except (ValueError, KeyError) as error:
        raise StepFailure("bad value for parameter %r (%s): %r: %s"
                          % (name, kind, text, error))


def run_cell(step, index, source, namespace):
    filename = "<cell %d>" % index
    # Registered so tracebacks show the cell's own lines.
    linecache.cache[filename] = (len(source), None,
                                 source.splitlines(True), filename)
    log("step %s cell %d" % (step, index))
    try:
        exec(compile(source, filename, "exec"), namespace)
    except Exception as error:
        tb = sys.exc_info()[2]
        # Drop this frame: the traceback starts in the notebook's code.
        traceback.print_exception(type(error), error, tb.tb_next,
                                  file=sys.stderr)
        raise StepFailure("step %r failed in cell %d: %s: %s"
                          % (step, index, type(error).__name__, error))


def from_notebook(value):
    """Functions, lambdas, classes defined in the notebook, and instances."""
    owner = value if isinstance(value, (type, types.FunctionType)) else type(value)
    return getattr(owner, "__module__", None) == "__main__"


def importable(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def choose_format(value):
    np = sys.modules.get("numpy")  # not imported: value cannot be an array
    if np is not None and isinstance(value, np.ndarray) \
            and not value.dtype.hasobject:
        return "npy"
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        return "pandas"
    # scikit-learn and XGBoost models (xgboost.sklearn.XGBClassifier,
    # xgboost.core.Booster): joblib, the format model servers load.
    if (type(value).__module__ or "").startswith(("sklearn", "xgboost")) \
            and importable("joblib"):
        return "joblib"
    if from_notebook(value):
        return "cloudpickle"
    return "pickle"


def write_value(fmt, value, path):
    if fmt == "npy":
        import numpy
        with open(path, "wb") as f:
            numpy.save(f, value, allow_pickle=False)
    elif fmt == "pandas":
        value.to_pickle(path)
    elif fmt == "joblib":
        import joblib
        joblib.dump(value, path)
    elif fmt == "cloudpickle":
        if not importable("cloudpickle"):
            raise StepFailure("cloudpickle is needed to save functions and "
                              "classes defined in the notebook (install it "
                              "in the step image)")
        import cloudpickle
        with open(path, "wb") as f:
            cloudpickle.dump(value, f, protocol=4)
    else:
        with open(path, "wb") as f:
            pickle.dump(value, f, protocol=4)


def save_output(step, name, value, directory):
    os.makedirs(directory, exist_ok=True)
    fmt = choose_format(value)
    try:
        try:
            write_value(fmt, value, os.path.join(directory, FILES[fmt]))
        except Exception as error:
            # A container holding notebook code (a dict of lambdas): pickle
            # cannot find it in __main__, cloudpickle carries it by value.
            if fmt != "pickle" or "__main__" not in str(error) \
                    or not importable("cloudpickle"):
                raise
            remove(os.path.join(directory, FILES[fmt]))
            fmt = "cloudpickle"
            write_value(fmt, value, os.path.join(directory, FILES[fmt]))
    except Exception as error:
        remove(os.path.join(directory, FILES[fmt]))
        raise StepFailure("cannot save output %r of type %s from step %r: %s"
                          % (name, type(value).__name__, step, error))
    write_meta(directory, name, value, fmt)


def remove(path):
    if os.path.exists(path):
        os.remove(path)


def write_meta(directory, name, value, fmt):
    kind = type(value)
    meta = {"name": name, "type": kind.__module__ + "." + kind.__qualname__,
            "format": fmt, "file": FILES[fmt]}
    with open(os.path.join(directory, META_FILE), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)


def load_input(name, directory):
    try:
        with open(os.path.join(directory, META_FILE)) as f:
            meta = json.load(f)
        fmt = meta["format"]
        path = os.path.join(directory, meta.get("file") or FILES[fmt])
    except (OSError, ValueError, KeyError) as error:
        raise StepFailure("input %r: no readable %s in %s: %s"
                          % (name, META_FILE, directory, error))
    try:
        if fmt == "npy":
            import numpy
            return numpy.load(path, allow_pickle=False)
        if fmt == "pandas":
            import pandas
            return pandas.read_pickle(path)
        if fmt == "joblib":
            import joblib
            return joblib.load(path)
        if fmt == "json":
            with open(path) as f:
                return json.load(f)
        if fmt in ("pickle", "cloudpickle"):
            with open(path, "rb") as f:
                return pickle.load(f)
    except ImportError as error:
        raise StepFailure("cannot load input %r (saved as %s): %s; install "
                          "it in the step image" % (name, fmt, error))
    except Exception as error:
        raise StepFailure("cannot load input %r from %s: %s: %s"
                          % (name, path, type(error).__name__, error))
    raise StepFailure("input %r has an unknown format %r" % (name, fmt))


def metric_value(name, namespace):
    if name not in namespace:
        raise StepFailure("metric %r is not defined" % name)
    value = namespace[name]
    if getattr(value, "shape", None) == () and hasattr(value, "item"):
        value = value.item()  # a 0-d array or tensor
    if isinstance(value, numbers.Integral):  # bool, int, numpy ints
        return int(value)
    if isinstance(value, numbers.Real):  # float, numpy floats
        number = float(value)
        if math.isfinite(number):
            return number
    raise StepFailure("metric %r must be a finite number, not %s %r"
                      % (name, type(value).__name__, value))


def report_metrics(names, namespace, directory, executor_input):
    values = {name: metric_value(name, namespace) for name in names}
    for name, value in values.items():
        print("%s=%r" % (name, value), flush=True)  # Katib's StdOut collector
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, FILES["json"]), "w") as f:
        json.dump(values, f, indent=2)
    write_meta(directory, "metrics", values, "json")
    if executor_input is not None:
        write_executor_output(executor_input, values)


def write_executor_output(text, values):
    """KFP shows a Metrics artifact's metadata: hand it to the launcher."""
    try:
        outputs = json.loads(text)["outputs"]
        output_file = outputs["outputFile"]
        artifact = dict(outputs["artifacts"]["metrics"]["artifacts"][0])
    except (ValueError, KeyError, IndexError, TypeError):
        log("no KFP executor input: metrics not sent to KFP metadata")
        return
    artifact["metadata"] = dict(artifact.get("metadata") or {}, **values)
    os.makedirs(os.path.dirname(output_file) or ".", exist_ok=True)
    with open(output_file, "w") as f:
        json.dump({"artifacts": {"metrics": {"artifacts": [artifact]}}}, f)


def require(kind, wanted, given, flag):
    missing = sorted(set(wanted) - set(given))
    extra = sorted(set(given) - set(wanted))
    if missing or extra:
        raise StepFailure("%s %s: missing %s, unexpected %s"
                          % (kind, flag, missing, extra))


def run(step, setup_cells, step_cells, args):
    name = step["name"]
    require("parameters", step["parameters"], args["param"], "--param")
    require("inputs", step["inputs"], args["in"], "--in")
    require("outputs", step["outputs"], args["out"], "--out")
    if step["metrics"] and args["metrics"] is None:
        raise StepFailure("metrics step without --metrics DIR")
    for note in step["notes"]:
        log(note)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    for index, source in setup_cells:
        run_cell(name, index, source, namespace)
    for param, kind in step["parameters"].items():
        namespace[param] = convert_param(param, kind, args["param"][param])
    for input_name in step["inputs"]:
        namespace[input_name] = load_input(input_name, args["in"][input_name])
    for index, source in step_cells:
        run_cell(name, index, source, namespace)
    for output in step["outputs"]:
        if output not in namespace:
            raise StepFailure("step %r did not define output %r"
                              % (name, output))
        save_output(name, output, namespace[output], args["out"][output])
    if step["metrics"]:
        report_metrics(step["metrics"], namespace, args["metrics"],
                       args["executor-input"])


def main(step, setup_cells, step_cells):
    try:
        run(step, setup_cells, step_cells, parse_args(sys.argv[1:]))
    except StepFailure as failure:
        log("error: %s" % failure)
        sys.exit(1)
# --- end of runtime ---
`;
