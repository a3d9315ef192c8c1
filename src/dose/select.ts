/**
 * Selection of the k-th largest value without a full sort (quickselect, Hoare partition around the median of
 * three): O(n) on average, deterministic (no random pivot), used by the DVH metrics and the auto-planner.
 */

/**
 * Rearranges a[lo … hi] so that a[k] holds the value of rank k in decreasing order, larger-or-equal values before it
 * and smaller-or-equal after; returns that value.
 */
export function selectDescending(a: Float64Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo], y = a[mid], z = a[hi];
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
