import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Where Silero's batches run. onnxruntime-node's `session.run` is synchronous native work on the
 * calling thread (its promise only defers the start by a `setImmediate`): a batch of 200 windows
 * is ~15 ms of the event loop on our 2-core VM, time in which no pacer frame leaves and no timer
 * fires. So by default the session lives in a worker thread (`thread: 'worker'`), and the event
 * loop only packs the batch and reads the results; `thread: 'main'` keeps the model on the
 * calling thread (one thread fewer, for a process with nothing else to do).
 */
export interface SileroRunner {
  readonly thread: 'worker' | 'main';
  /**
   * One batched model run. `input` [batch, 512], `h`/`c` [2, batch, 64]; the arrays are handed
   * over (a worker runner transfers their buffers: the caller must not touch them afterwards).
   * One run at a time.
   */
  run(batch: number, input: Float32Array, h: Float32Array, c: Float32Array): Promise<SileroOutput>;
  /** Frees the session (and ends the worker); the runner is unusable afterwards. */
  close(): Promise<void>;
}

export interface SileroOutput {
  /** Speech probability per window [batch]. */
  probabilities: Float32Array;
  hn: Float32Array;
  cn: Float32Array;
}

/** The session options both runners use: one intra-op thread (vad/NOTES.md says why). */
const SESSION_OPTIONS = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
} as const;

const EXPECTED_INPUTS = ['input', 'sr', 'h', 'c'];

export function createSileroRunner(options: { modelPath: string; thread: 'worker' | 'main' }): Promise<SileroRunner> {
  return options.thread === 'worker' ? WorkerRunner.start(options.modelPath) : MainThreadRunner.load(options.modelPath);
}

type Ort = typeof import('onnxruntime-node');

class MainThreadRunner implements SileroRunner {
  readonly thread = 'main';

  private constructor(
    private readonly ort: Ort,
    private readonly session: import('onnxruntime-node').InferenceSession,
    private readonly sr: import('onnxruntime-node').Tensor,
  ) {}

  static async load(modelPath: string): Promise<MainThreadRunner> {
    const ort: Ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(modelPath, SESSION_OPTIONS);
    if (EXPECTED_INPUTS.some((name) => !session.inputNames.includes(name))) {
      await session.release();
      throw new Error(
        `unexpected Silero model inputs ${session.inputNames.join(', ')} (want ${EXPECTED_INPUTS.join(', ')})`,
      );
    }
    return new MainThreadRunner(ort, session, new ort.Tensor('int64', BigInt64Array.from([16000n]), []));
  }

  async run(batch: number, input: Float32Array, h: Float32Array, c: Float32Array): Promise<SileroOutput> {
    const T = this.ort.Tensor;
    const out = await this.session.run({
      input: new T('float32', input, [batch, 512]),
      sr: this.sr,
      h: new T('float32', h, [2, batch, 64]),
      c: new T('float32', c, [2, batch, 64]),
    });
    return {
      probabilities: out.output?.data as Float32Array,
      hn: out.hn?.data as Float32Array,
      cn: out.cn?.data as Float32Array,
    };
  }

  close(): Promise<void> {
    return this.session.release();
  }
}

/**
 * The worker's code, plain CommonJS evaluated in the worker (`eval: true`): no TypeScript loader
 * needed, so it runs the same under tsx, vitest and compiled JavaScript. It loads the session,
 * says `ready` (or `error`), then answers each batch with the model's outputs, copied into arrays
 * whose buffers it transfers back.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const expected = ${JSON.stringify(EXPECTED_INPUTS)};
const message = (err) => (err && err.message ? err.message : String(err));
ort.InferenceSession.create(workerData.modelPath, workerData.sessionOptions).then(
  (session) => {
    if (expected.some((n) => !session.inputNames.includes(n))) {
      parentPort.postMessage({ type: 'error', message: 'unexpected Silero model inputs ' + session.inputNames.join(', ') + ' (want ' + expected.join(', ') + ')' });
      return;
    }
    const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
    parentPort.on('message', async (m) => {
      try {
        const out = await session.run({
          input: new ort.Tensor('float32', m.input, [m.batch, 512]),
          sr,
          h: new ort.Tensor('float32', m.h, [2, m.batch, 64]),
          c: new ort.Tensor('float32', m.c, [2, m.batch, 64]),
        });
        const p = Float32Array.from(out.output.data);
        const hn = Float32Array.from(out.hn.data);
        const cn = Float32Array.from(out.cn.data);
        parentPort.postMessage({ type: 'result', p, hn, cn }, [p.buffer, hn.buffer, cn.buffer]);
      } catch (err) {
        parentPort.postMessage({ type: 'failed', message: message(err) });
      }
    });
    parentPort.postMessage({ type: 'ready' });
  },
  (err) => parentPort.postMessage({ type: 'error', message: message(err) }),
);
`;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'failed'; message: string }
  | { type: 'result'; p: Float32Array; hn: Float32Array; cn: Float32Array };

class WorkerRunner implements SileroRunner {
  readonly thread = 'worker';
  /** The batch in the worker (the batcher runs one at a time). */
  private pending: { resolve: (out: SileroOutput) => void; reject: (err: Error) => void } | null = null;
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: WorkerMessage) => {
      const pending = this.pending;
      this.pending = null;
      // Only a batch in flight keeps the process alive.
      worker.unref();
      if (m.type === 'result') pending?.resolve({ probabilities: m.p, hn: m.hn, cn: m.cn });
      else if (m.type === 'failed') pending?.reject(new Error(m.message));
    });
    const die = (err: Error) => {
      this.dead ??= err;
      this.pending?.reject(err);
      this.pending = null;
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`silero worker exited (${code})`)));
  }

  static start(modelPath: string): Promise<WorkerRunner> {
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ortPath, modelPath, sessionOptions: SESSION_OPTIONS },
    });
    return new Promise((resolve, reject) => {
      // Each listener is removed by name: `removeAllListeners()` would also drop the Worker's own
      // `newListener` hooks, and no later message would ever be delivered.
      const onError = (err: Error) => fail(err);
      const onExit = (code: number) => fail(new Error(`silero worker exited (${code}) while loading`));
      const onMessage = (m: WorkerMessage) => {
        worker.off('error', onError).off('exit', onExit);
        if (m.type !== 'ready') return fail(new Error(m.type === 'error' ? m.message : 'silero worker did not load'));
        worker.unref();
        resolve(new WorkerRunner(worker));
      };
      const fail = (err: Error) => {
        worker.off('error', onError).off('exit', onExit).off('message', onMessage);
        void worker.terminate();
        reject(err);
      };
      worker.once('error', onError).once('exit', onExit).once('message', onMessage);
    });
  }

  run(batch: number, input: Float32Array, h: Float32Array, c: Float32Array): Promise<SileroOutput> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error('silero worker busy: one batch at a time'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.ref();
      this.worker.postMessage({ batch, input, h, c }, [input.buffer, h.buffer, c.buffer] as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    this.dead ??= new Error('silero worker closed');
    await this.worker.terminate();
  }
}
