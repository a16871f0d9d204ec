/**
 * client-go's rate-limited work queue, as plain data a controller keeps in its state, with the
 * worker pool's bookkeeping: the keys waiting (FIFO), the dirty set, the keys being processed.
 *
 * Upstream (v1.33): k8s.io/client-go/util/workqueue/queue.go — Add (a key already dirty is a
 * no-op; a key being processed is only marked dirty), Get (pops the oldest, moves it from dirty
 * to processing), Done (a key dirtied while it was processed goes back on the queue, once);
 * delaying_queue.go AddAfter (no delay → Add now; an item already waiting keeps the earlier
 * time); rate_limiting_queue.go AddRateLimited / Forget / NumRequeues; default_rate_limiters.go
 * DefaultTypedControllerRateLimiter = MaxOf(ItemExponentialFailureRateLimiter(5 ms, 1000 s),
 * BucketRateLimiter(rate.NewLimiter(10 qps, burst 100))) (golang.org/x/time/rate: the bucket
 * starts full, refills at 10 tokens/s, a reservation past empty waits for its token).
 * A controller runs `workers` goroutines (ConcurrentDeploymentSyncs, ConcurrentRSSyncs: 5):
 * here a worker is busy from Get until the sync's requests have answered and Done is called, so
 * the keys being processed are the busy workers. The wake-up of a waiting worker takes no time.
 * The delaying queue's timers are the process's timers, named `wq:<queue>:<key>`.
 */
import type { Output } from '../kernel/model';

export const WQ_BASE_DELAY_US = 5_000;
export const WQ_MAX_DELAY_US = 1_000_000_000;
export const WQ_BUCKET_QPS = 10;
export const WQ_BUCKET_BURST = 100;

export interface WorkQueue {
  name: string;
  /** Keys waiting for a worker, oldest first; each is dirty and not being processed. */
  queue: string[];
  dirty: Record<string, true>;
  processing: Record<string, true>;
  /** ItemExponentialFailureRateLimiter's failures per key. */
  failures: Record<string, number>;
  /** BucketRateLimiter's tokens and when they were counted (null: never used, so full). */
  bucket: { tokens: number; atUs: number } | null;
  /** The delaying queue: key → when it is due (µs). */
  waiting: Record<string, number>;
}

export function newWorkQueue(name: string): WorkQueue {
  return { name, queue: [], dirty: {}, processing: {}, failures: {}, bucket: null, waiting: {} };
}

/** queue.go Add. */
export function wqAdd(q: WorkQueue, key: string): void {
  if (q.dirty[key]) return;
  q.dirty[key] = true;
  if (q.processing[key]) return;
  q.queue.push(key);
}

/** queue.go Get (without blocking): the next key, now being processed; undefined when none waits. */
export function wqGet(q: WorkQueue): string | undefined {
  const key = q.queue.shift();
  if (key === undefined) return undefined;
  q.processing[key] = true;
  delete q.dirty[key];
  return key;
}

/** queue.go Done. */
export function wqDone(q: WorkQueue, key: string): void {
  delete q.processing[key];
  if (q.dirty[key]) q.queue.push(key);
}

/** How many keys are being processed (busy workers). */
export function wqBusy(q: WorkQueue): number {
  let n = 0;
  for (const _ in q.processing) n++;
  return n;
}

/** rate_limiting_queue.go Forget. */
export function wqForget(q: WorkQueue, key: string): void {
  delete q.failures[key];
}

/** rate_limiting_queue.go NumRequeues. */
export function wqNumRequeues(q: WorkQueue, key: string): number {
  return q.failures[key] ?? 0;
}

const timerName = (q: WorkQueue, key: string) => `wq:${q.name}:${key}`;

/** delaying_queue.go AddAfter: now, or a timer (the earlier of two stays). */
export function wqAddAfter(q: WorkQueue, key: string, afterUs: number, nowUs: number, out: Output[]): void {
  if (afterUs <= 0) {
    wqAdd(q, key);
    return;
  }
  const due = nowUs + afterUs;
  const cur = q.waiting[key];
  if (cur !== undefined && cur <= due) return;
  q.waiting[key] = due;
  out.push({ type: 'timer', name: timerName(q, key), afterUs });
}

/** DefaultTypedControllerRateLimiter's When: the larger of the key's backoff and the bucket's wait (both advance). */
export function wqRateLimitDelayUs(q: WorkQueue, key: string, nowUs: number): number {
  const exp = q.failures[key] ?? 0;
  q.failures[key] = exp + 1;
  const backoff = Math.min(WQ_MAX_DELAY_US, WQ_BASE_DELAY_US * 2 ** exp);
  const b = q.bucket ?? { tokens: WQ_BUCKET_BURST, atUs: nowUs };
  const tokens = Math.min(WQ_BUCKET_BURST, b.tokens + ((nowUs - b.atUs) * WQ_BUCKET_QPS) / 1_000_000) - 1;
  q.bucket = { tokens, atUs: nowUs };
  const wait = tokens < 0 ? Math.ceil((-tokens * 1_000_000) / WQ_BUCKET_QPS) : 0;
  return Math.max(backoff, wait);
}

/** rate_limiting_queue.go AddRateLimited. */
export function wqAddRateLimited(q: WorkQueue, key: string, nowUs: number, out: Output[]): void {
  wqAddAfter(q, key, wqRateLimitDelayUs(q, key, nowUs), nowUs, out);
}

/** A delaying-queue timer of this queue: the key is added. False when the timer is not this queue's. */
export function wqOnTimer(q: WorkQueue, name: string): boolean {
  const prefix = `wq:${q.name}:`;
  if (!name.startsWith(prefix)) return false;
  const key = name.slice(prefix.length);
  delete q.waiting[key];
  wqAdd(q, key);
  return true;
}
