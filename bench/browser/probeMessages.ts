/** What the bench page sends the probe worker (probeWorker.ts) beside the product's requests; types only, shared by both sides. */
export type ProbeMessage =
  /** The pipeline's baseline: call an export of the product's instance with no arguments, answer its bare result. */
  | { kind: "bare"; name: string }
  /** Keep an answer of the product's, for `floor`. */
  | { kind: "keep"; answer: object }
  /** The pipeline's floor: a recorded request of the product's, marked; answered with the kept answer at once. */
  | { kind: "floor"; id: number }
  /** Change detection's baseline: time `reps` copies of live memory, answered through the MessagePort sent along. */
  | { kind: "copy"; reps: number };
