/**
 * `@mt/app-validator`: the validator side of the demo network.
 *
 * @packageDocumentation
 */

export { type MinerStanding, ScoreBoard } from './score-board.js';
export {
  type MinerHandle,
  type RoundOutcome,
  type RoundSettings,
  runValidationRound,
} from './validation-round.js';
export { type MinerRound, ValidatorNode, type ValidatorNodeOptions } from './validator-node.js';
