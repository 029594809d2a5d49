import { loadModelInput } from '../model-input.js';
import { predictRows } from '../../model/predict.js';
import { metrics } from '../../model/metrics.js';
import { channels, printJson } from '../io.js';
import { metricsTable } from '../../report/summary.js';

export interface EvalArgs {
  file: string;
  model: string;
  json?: boolean;
  color: boolean;
  delimiter?: string;
}

export async function runEval(a: EvalArgs): Promise<void> {
    const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: true, delimiter: a.delimiter });
    const m = metrics(predictRows(model, table.x, table.n), table.y!);
    if (a.json) printJson(m);
    else {
      const io = channels({ color: a.color });
      io.out(`${metricsTable([[table.file, m]], io.color).join('\n')}\n`);
    }
}
