// Requests that arrive in the same turn of the event loop go to the database together: one call per
// batch, each request answered with its own result. At most `maxInFlight` batches run at once; what
// arrives meanwhile waits and forms the next batch, so batches grow with the load and a quiet
// moment still answers at once.

interface Waiting<I, O> {
  input: I;
  resolve: (v: O) => void;
  reject: (err: unknown) => void;
}

export class Batcher<I, O> {
  readonly #run: (inputs: I[]) => Promise<O[]>;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: Array<Waiting<I, O>> = [];
  #scheduled = false;
  #inFlight = 0;

  /** `run` answers one result per input, in the order given; a throw rejects the whole batch. */
  constructor(run: (inputs: I[]) => Promise<O[]>, opts: { maxBatch: number; maxInFlight: number }) {
    this.#run = run;
    this.#maxBatch = opts.maxBatch;
    this.#maxInFlight = opts.maxInFlight;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#inFlight >= this.#maxInFlight) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    this.#inFlight++;
    this.#schedule();
    try {
      const out = await this.#run(batch.map((w) => w.input));
      for (const [i, w] of batch.entries()) w.resolve(out[i]!);
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }
}
