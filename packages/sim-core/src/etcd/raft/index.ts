export * from './types';
export * from './raft';
export * as raftLog from './log';
export * as progress from './progress';
export * as readOnly from './read-only';
