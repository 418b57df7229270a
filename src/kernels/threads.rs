//! How many threads the CPU matrix products use, and how one product is split among them: by rows of
//! the output, each part summing over k in the same order as the whole would, so that a result is the
//! same bit for bit on any number of threads. One thread unless set (natively by a caller; in the
//! browser by the page, in the threaded build only, where a rayon pool runs in Web Workers).

use std::sync::atomic::{AtomicUsize, Ordering};

static THREADS: AtomicUsize = AtomicUsize::new(1);

/// Products smaller than this many multiply-adds stay on one thread: waking the others costs more.
const SPLIT_AT: usize = 1 << 17;
/// Fewest output rows a part gets.
const MIN_ROWS: usize = 8;

/// Whether this build can run more than one thread (natively always; on wasm, the threaded build).
pub const THREADED: bool = cfg!(any(not(target_arch = "wasm32"), target_feature = "atomics"));

/// Sets how many threads products may split over; returns the number in force (1 where the build has
/// no threads; at most the pool's).
pub fn set_threads(n: usize) -> usize {
    let n = if THREADED { n.clamp(1, pool_threads()) } else { 1 };
    THREADS.store(n, Ordering::Relaxed);
    n
}

/// The threads products may split over now.
pub fn threads() -> usize {
    THREADS.load(Ordering::Relaxed)
}

#[cfg(any(not(target_arch = "wasm32"), target_feature = "atomics"))]
fn pool_threads() -> usize {
    rayon::current_num_threads()
}

#[cfg(not(any(not(target_arch = "wasm32"), target_feature = "atomics")))]
fn pool_threads() -> usize {
    1
}

/// Rows of `out` ([m, n], row-major) per part for an [m, k]·[k, n] product: m itself when it stays whole.
pub fn rows_per_part(m: usize, k: usize, n: usize) -> usize {
    let parts = threads().min(m / MIN_ROWS);
    if parts <= 1 || m * k * n < SPLIT_AT {
        return m;
    }
    m.div_ceil(parts)
}

/// Runs `part(first_row, rows)` for each part of `out` (`row_len` values a row, `rows` rows a part),
/// in parallel where the build has threads.
#[cfg(any(not(target_arch = "wasm32"), target_feature = "atomics"))]
pub fn for_each_part<T: Send>(out: &mut [T], row_len: usize, rows: usize, part: impl Fn(usize, &mut [T]) + Sync) {
    use rayon::prelude::*;
    out.par_chunks_mut(rows * row_len).enumerate().for_each(|(p, chunk)| part(p * rows, chunk));
}

#[cfg(not(any(not(target_arch = "wasm32"), target_feature = "atomics")))]
pub fn for_each_part<T: Send>(out: &mut [T], row_len: usize, rows: usize, part: impl Fn(usize, &mut [T]) + Sync) {
    for (p, chunk) in out.chunks_mut(rows * row_len).enumerate() {
        part(p * rows, chunk);
    }
}
