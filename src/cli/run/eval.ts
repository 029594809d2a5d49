import { loadModelInput, predictAll } from '../model-input.js';
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
    // Predictions come a chunk at a time and the metrics see the same numbers as unchunked.
    const m = metrics(predictAll(model, table), table.y!);
    if (a.json) printJson(m);
    else {
      const io = channels({ color: a.color });
      io.out(`${metricsTable([[table.file, m]], io.color).join('\n')}\n`);
    }
}
