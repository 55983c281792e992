// @mt/protocol alone: the contract. A task built and parsed once from a
// peer's text, a subnet's two roles, and typed errors a caller branches on.
//   npm install @mt/protocol
import assert from 'node:assert/strict';
import {
  JsonParseError,
  newTask,
  parseJson,
  SchemaValidationError,
  type SubnetMiner,
  type SubnetValidator,
  solveToResult,
  taskSchema,
} from '@mt/protocol';

const miner: SubnetMiner = {
  name: 'echo',
  version: '1.0.0',
  async solveTask(task) {
    return { resultData: { text: String(task.taskData.text) } };
  },
};
const validator: SubnetValidator = {
  name: 'echo',
  version: '1.0.0',
  async createTask(context) {
    return newTask(context, { taskData: { text: 'hello' }, timeoutMs: 5_000 });
  },
  async scoreResult(task, result, observation) {
    const speed = Math.max(0, 1 - observation.latencyMs / observation.timeoutMs);
    return { value: result.resultData.text === task.taskData.text ? 0.8 + 0.2 * speed : 0 };
  },
};

const task = await validator.createTask({ minerUid: 1, difficulty: 0.5, netuid: 1, round: 0 });
// What arrives from a peer is text: parsed once, bounded in depth, checked.
const received = parseJson(JSON.stringify(task), taskSchema);
const result = await solveToResult(miner, received, {
  signal: new AbortController().signal,
  deadline: Date.now() + 5_000,
});
const judgement = await validator.scoreResult(received, result, {
  latencyMs: 10,
  timeoutMs: 5_000,
});
assert.ok(judgement.value > 0.9, `echo scored ${judgement.value}`);

assert.throws(
  () => parseJson('['.repeat(100), taskSchema),
  (e) => JsonParseError.isInstance(e) && e.code === 'MT_JSON_TOO_DEEP',
);
assert.throws(
  () => parseJson('{"taskId":""}', taskSchema),
  (e) => SchemaValidationError.isInstance(e) && e.issues.some((i) => i.path === 'taskId'),
);
console.log(
  `echo scored ${judgement.value.toFixed(2)}; deep and malformed text refused with typed errors`,
);
