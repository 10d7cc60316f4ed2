/** The share `part / whole` of a window's connections; 0 for an empty window (NSL-KDD's rates). */
export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}
