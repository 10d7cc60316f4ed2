/**
 * The sampled-gram filter pass as a WebAssembly function, its module assembled here from opcodes
 * (no toolchain, no binary file): 296 bytes. Why WebAssembly for this one loop: in JS the pass
 * costs 3.3-4.3 ns per 32-bit word in isolation on this machine (every typed-array load
 * bounds-checked), about half of the engine's time at 1,000 rules; the same loop in wasm reads
 * its memory unchecked (guard pages) and costs 1.8-2.0 ns. wasm reads only its own memory, so
 * the caller copies the text in (SampledGramMatcher: one memmove per scanned buffer). The
 * verification of the hits stays in JS.
 *
 * Functions (all addresses are byte offsets in the imported memory `env.memory`):
 *
 *   filter4 (p, end, step, mult, shift, bitmap, hits, shift3, bitmap3) -> n
 *   filter43(same)                                                      -> n
 *
 * For p = p, p + step, ... while p <= end: x = load32(p) | 0x20202020, h = (x * mult) >>> shift,
 * the sample hits when bit h of the bitmap at `bitmap` is set (bit h & 31 of word h >>> 5; and for
 * filter43, or bit t of the one at `bitmap3`, t = ((x & 0xffffff) * mult) >>> shift3); each hit's
 * p is stored at hits[n++]. That is SampledGramMatcher's filter4 / filter43, bit for bit.
 */

/** Minimal typing of the global WebAssembly API (lib.dom is not in this project's libs). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
}

export type WasmFilterFunction = (p: number, end: number, step: number, mult: number, shift: number, bitmap: number, hits: number, shift3: number, bitmap3: number) => number;

const I32 = 0x7f;
const OP = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, void: 0x40,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, i32Load: 0x28, i32Store: 0x36, i32Const: 0x41,
  i32GtU: 0x4b, i32Add: 0x6a, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Shl: 0x74, i32ShrU: 0x76,
} as const;
/** Memory access immediates: alignment 2^2, offset 0. */
const ALIGNED4 = [2, 0];

function unsignedLeb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function signedLeb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

const name = (s: string) => [...unsignedLeb(s.length), ...Buffer.from(s, 'latin1')];
const vec = (items: number[][]) => [...unsignedLeb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...unsignedLeb(body.length), ...body];

// Parameters and locals of both filters.
const P = 0, END = 1, STEP = 2, MULT = 3, SHIFT = 4, BITMAP = 5, HITS = 6, SHIFT3 = 7, BITMAP3 = 8;
const N = 9, X = 10, H = 11;
const PARAMS = 9;
const LOCALS = 3;

const get = (i: number) => [OP.localGet, i];
const set = (i: number) => [OP.localSet, i];
const tee = (i: number) => [OP.localTee, i];
const i32 = (v: number) => [OP.i32Const, ...signedLeb(v)];

/** `(load32(bitmapParam + (hash >>> 5) * 4) >>> hash)`, the hash in local `hashLocal`. */
const bitOf = (bitmapParam: number, hashLocal: number) => [
  ...get(bitmapParam), ...get(hashLocal), ...i32(5), OP.i32ShrU, ...i32(2), OP.i32Shl, OP.i32Add, OP.i32Load, ...ALIGNED4,
  ...get(hashLocal), OP.i32ShrU,
];

/**
 * The sample at address `address` (code leaving it on the stack): its bits, unmasked (bit 0 is
 * the answer), left on the stack; locals X and H are scratch.
 */
const sampleBits = (address: number[], gram3: boolean) => [
  ...address, OP.i32Load, ...ALIGNED4, ...i32(0x20202020), OP.i32Or, ...tee(X),
  ...get(MULT), OP.i32Mul, ...get(SHIFT), OP.i32ShrU, ...set(H),
  ...bitOf(BITMAP, H),
  ...(gram3 ? [
    ...get(X), ...i32(0xffffff), OP.i32And, ...get(MULT), OP.i32Mul, ...get(SHIFT3), OP.i32ShrU, ...set(H),
    ...bitOf(BITMAP3, H), OP.i32Or,
  ] : []),
];

/**
 * One sample per iteration, a branch on its bit (taken for a few percent of samples). Measured
 * against two samples per iteration with one branch per pair (the JS pass's shape): 1.8 vs 2.3 ns
 * per word in favour of this one.
 */
function filterBody(gram3: boolean): number[] {
  const code = [
    OP.block, OP.void, OP.loop, OP.void,
    ...get(P), ...get(END), OP.i32GtU, OP.brIf, 1,
    ...sampleBits(get(P), gram3), ...i32(1), OP.i32And,
    OP.if, OP.void,
    ...get(HITS), ...get(N), ...i32(2), OP.i32Shl, OP.i32Add, ...get(P), OP.i32Store, ...ALIGNED4,
    ...get(N), ...i32(1), OP.i32Add, ...set(N),
    OP.end,
    ...get(P), ...get(STEP), OP.i32Add, ...set(P),
    OP.br, 0,
    OP.end, OP.end,
    ...get(N),
    OP.end,
  ];
  const body = [...vec([[LOCALS, I32]]), ...code];
  return [...unsignedLeb(body.length), ...body];
}

/** The module's bytes: memory imported as env.memory, filter4 and filter43 exported. */
export function gramFilterModuleBytes(): Uint8Array {
  const type = [0x60, ...vec(Array.from({ length: PARAMS }, () => [I32])), ...vec([[I32]])];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...unsignedLeb(1)]])),
    ...section(3, vec([[0], [0]])),
    ...section(7, vec([[...name('filter4'), 0x00, 0], [...name('filter43'), 0x00, 1]])),
    ...section(10, vec([filterBody(false), filterBody(true)])),
  ];
  return Uint8Array.from(bytes);
}

const WASM_PAGE = 65536;
let compiled: object | null | undefined;

function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api ?? null;
}

/** A memory of at least `bytes` bytes with both filters bound to it, or null where WebAssembly is not available. */
export function instantiateGramFilter(bytes: number): { memory: ArrayBuffer; filter4: WasmFilterFunction; filter43: WasmFilterFunction } | null {
  const api = wasmApi();
  if (api === null) return null;
  try {
    compiled ??= new api.Module(gramFilterModuleBytes());
    const memory = new api.Memory({ initial: Math.ceil(bytes / WASM_PAGE) });
    const instance = new api.Instance(compiled, { env: { memory } });
    return { memory: memory.buffer, filter4: instance.exports.filter4 as WasmFilterFunction, filter43: instance.exports.filter43 as WasmFilterFunction };
  } catch {
    compiled = null;
    return null;
  }
}
