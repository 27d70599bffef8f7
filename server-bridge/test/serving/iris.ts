/** The notebook the serving specs train: a decision tree on iris, depth a parameter. */
import { code, notebook } from '../engine/helpers';

export const IRIS = notebook([
  code('from sklearn.datasets import load_iris\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.tree import DecisionTreeClassifier', { role: 'imports' }),
  code('depth = 2', { role: 'parameters' }),
  code('X, y = load_iris(return_X_y=True)\nXtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.5, random_state=0)\nmodel = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(Xtr, ytr)', { step: 'train' }),
  code('accuracy = float(model.score(Xte, yte))', { step: 'evaluate' }),
  code('accuracy', { role: 'metrics' })
]);
