// Child process for the stdio test: serves the sample capabilities over stdin/stdout.
import { runStdio } from '../index.js';
import { capabilities, info } from './sample.js';

runStdio({ info, capabilities });
