import { formatTraceTable, parseAssignments, runTrace, traceToJson } from '../../trace/index.js';
import { channels, printJson } from '../io.js';

export interface TraceArgs {
  expr: string;
  at: string;
  wrt?: string;
  json?: boolean;
  color: boolean;
}

export async function runTraceCommand(a: TraceArgs): Promise<void> {
  const result = runTrace(a.expr, parseAssignments(a.at), a.wrt);
  if (a.json) {
    printJson(traceToJson(result));
    return;
  }
  const io = channels({ color: a.color });
  io.out(`${formatTraceTable(result, { color: io.color.level > 0 })}\n`);
}
