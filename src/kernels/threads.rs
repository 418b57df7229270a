//! How many threads the CPU matrix products use, and how one product is split among them: along the
//! longer side of the output, each part summing over k in the same order as the whole would, so that
//! a result is the same bit for bit on any number of threads. One thread unless set (natively by a
//! caller; in the browser by the page, in the threaded build only). The threads are crew.rs's.

use super::crew;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

static THREADS: AtomicUsize = AtomicUsize::new(1);

/// Products smaller than this many multiply-adds stay on one thread: sharing costs more
/// (measured natively: a 64×256×64 product took twice as long split in two).
const SPLIT_AT: usize = 1 << 19;
/// Fewest values an elementwise pass must have to be shared among the threads.
const ELEMENTWISE_AT: usize = 1 << 16;
/// Fewest rows or columns of out a part gets.
const MIN_PART: usize = 32;
/// Parts are a whole number of the products' micro-tiles wide (8 columns in wasm_gemm.rs).
const TILE: usize = 8;

/// Whether this build can run more than one thread (natively always; on wasm, the threaded build).
pub const THREADED: bool = cfg!(any(not(target_arch = "wasm32"), target_feature = "atomics"));

/// Sets how many threads products may split over, starting helpers as needed; returns the number in
/// force (1 where the build has no threads; in the browser at most the pool's workers and this one).
pub fn set_threads(n: usize) -> usize {
    let n = if THREADED { n.clamp(1, 1 + crew::start_helpers(n.max(1) - 1, spawn)) } else { 1 };
    crew::set_taking_part(n - 1);
    THREADS.store(n, Ordering::Relaxed);
    n
}

/// The threads products may split over now.
pub fn threads() -> usize {
    THREADS.load(Ordering::Relaxed)
}

#[cfg(not(target_arch = "wasm32"))]
fn spawn(helper: Box<dyn FnOnce() + Send>) -> bool {
    std::thread::Builder::new().name("ae-helper".into()).spawn(helper).is_ok()
}

/// On one of the pool's Web Workers, each of which takes one helper for good.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
fn spawn(helper: Box<dyn FnOnce() + Send>) -> bool {
    if crew::helpers() >= rayon::current_num_threads() {
        return false;
    }
    rayon::spawn(helper);
    true
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
fn spawn(_: Box<dyn FnOnce() + Send>) -> bool {
    false
}

/// How one product is split among the threads: into parts of so many rows, or of so many columns, of out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Rows(usize),
    Columns(usize),
}

/// How an [m, k]·[k, n] product is split now: None when it stays whole (one thread, or too small to
/// pay for sharing). Along out's longer side (each part then packs only its share of that side's
/// operand), in parts of a whole number of micro-tiles.
pub fn split(m: usize, k: usize, n: usize) -> Option<Split> {
    let (side, along_columns) = if n >= m { (n, true) } else { (m, false) };
    let parts = threads().min(side / MIN_PART);
    if parts <= 1 || m * k * n < SPLIT_AT {
        return None;
    }
    let size = side.div_ceil(parts).next_multiple_of(TILE);
    Some(if along_columns { Split::Columns(size) } else { Split::Rows(size) })
}

/// Values a part of an elementwise pass over `n` values gets, where it is worth sharing (a pass over
/// fewer than ELEMENTWISE_AT values stays whole).
pub fn elementwise_part(n: usize) -> Option<usize> {
    (threads() > 1 && n >= ELEMENTWISE_AT).then(|| n.div_ceil(threads()))
}

/// Runs `part(range)` for the ranges of `0..len` that are `size` long (the last one shorter), shared
/// among the threads.
pub fn for_each_part(len: usize, size: usize, part: impl Fn(Range<usize>) + Sync) {
    crew::run(len.div_ceil(size), |p| part(p * size..len.min((p + 1) * size)));
}
