/**
 * `@mt/app-validator`: the `mt-validator` program. The validator loop it
 * runs is `ValidatorNode` in `@mt/neurons`; the demo network that runs it is
 * `@mt/app-demo`.
 *
 * @packageDocumentation
 */

export { runValidatorCli } from './run-validator-cli.js';
