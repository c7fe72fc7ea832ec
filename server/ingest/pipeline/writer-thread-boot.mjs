// Entry of the ingest writer thread: the server runs TypeScript through tsx,
// whose loader a worker thread does not inherit in every setting (tests):
// register it, then load the thread's code.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
