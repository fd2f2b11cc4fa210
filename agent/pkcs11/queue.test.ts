// Unit: the per-module serial queue runs tasks one at a time, in order, and survives failures.
import { describe, expect, it } from 'vitest';
import { SerialQueue } from './queue.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SerialQueue', () => {
  it('runsAsyncTasksOneAtATime_inArrivalOrder', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([q.run(task('a', 20)), q.run(() => 'sync-b'), q.run(task('c', 1)), q.run(task('d', 5))]);
    expect(results).toEqual(['a', 'sync-b', 'c', 'd']);
    expect(maxRunning).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start c', 'end c', 'start d', 'end d']);
    expect(q.size).toBe(0);
  });

  it('aFailingTaskRejectsItsCaller_andTheNextTaskStillRuns', async () => {
    const q = new SerialQueue();
    const first = q.run(async () => {
      await tick(1);
      throw new Error('boom');
    });
    const second = q.run(() => 42);
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(42);
    await expect(q.run(() => {
      throw new Error('sync boom');
    })).rejects.toThrow('sync boom');
    await expect(q.run(() => 'after')).resolves.toBe('after');
  });

  it('aSyncTaskOnAnIdleQueueRunsAtOnce', async () => {
    const q = new SerialQueue();
    let ran = false;
    const p = q.run(() => {
      ran = true;
      return 1;
    });
    expect(ran).toBe(true);
    await expect(p).resolves.toBe(1);
  });

  it('twoQueuesDoNotBlockEachOther', async () => {
    const a = new SerialQueue();
    const b = new SerialQueue();
    const order: string[] = [];
    const slow = a.run(async () => {
      await tick(30);
      order.push('a');
    });
    await b.run(async () => {
      await tick(1);
      order.push('b');
    });
    await slow;
    expect(order).toEqual(['b', 'a']);
  });
});
