import { taskPath } from '../envelope/headers.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import type { Hotkey } from '../keys/hotkey.js';

/** The headers of a task request `from` signs for `to`, as a validator sends it. */
export function signedTaskHeaders(
  from: Hotkey,
  to: string,
  body: Uint8Array,
  options: { taskType?: string; budgetMs?: number } = {},
): Record<string, string> {
  return {
    ...signEnvelope({
      key: from,
      kind: 'request',
      target: `POST ${taskPath(options.taskType ?? 'echo')}`,
      receiver: to,
      body,
      deadline: Date.now() + (options.budgetMs ?? 10_000),
    }),
    'content-type': 'application/json',
  };
}
