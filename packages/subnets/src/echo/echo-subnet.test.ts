import { describeSubnet } from '../test-support/describe-subnet.js';
import { echoMiner, echoValidator } from './echo-subnet.js';

describeSubnet('echo', async () => ({
  miner: echoMiner(),
  validator: echoValidator(),
  wrongAnswer: (_task, honest) => ({ ...honest, resultData: { text: 'something else' } }),
  scoresSpeed: true,
  wrongAnswerScores: 'zero',
}));
