// Bytes a process allocated over a window, from v8.GCProfiler's statistics:
// what the heap grew by, plus what every collection in between freed. Pure;
// the tests pin it down.

/**
 * @param {number} usedBefore used_heap_size at the start of the window
 * @param {number} usedAfter used_heap_size at its end
 * @param {Array<{ beforeGC: { heapStatistics: { usedHeapSize: number } }, afterGC: { heapStatistics: { usedHeapSize: number } } }>} collections
 *   v8.GCProfiler's `statistics`, one per collection in the window
 */
export function allocatedBytes(usedBefore, usedAfter, collections) {
  let freed = 0;
  for (const { beforeGC, afterGC } of collections) freed += beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize;
  return usedAfter - usedBefore + freed;
}
