// Entry point of a parse thread (see parse.pool.ts): Piscina calls the default export per task.
import { runParseTask } from './parse.tasks';

export default runParseTask;
