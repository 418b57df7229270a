//! The helper threads that share the CPU engine's products: a caller publishes a job (a function of a
//! part's index), every thread, the caller included, claims parts until none is left, and the caller
//! waits for the last. Between jobs the helpers spin for a while (the products of one training step
//! come a fraction of a millisecond apart), then sleep until the next job wakes them: a helper woken
//! for every product would arrive when the product is nearly done. Which thread runs a part never
//! changes a result. Natively the helpers are std threads; in the threaded wasm build they run on the
//! Web Workers of wasm-bindgen-rayon's pool.

use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Condvar, Mutex};

/// The job now, in one word so that a claim sees all of it at once: generation (32 bits), parts (16)
/// and the next part not yet claimed (16).
static CLAIM: AtomicU64 = AtomicU64::new(0);
/// The job's function, valid while its caller waits (it lives on the caller's stack).
static JOB: AtomicPtr<Job<'static>> = AtomicPtr::new(std::ptr::null_mut());
static DONE: AtomicUsize = AtomicUsize::new(0);
static HELPERS: AtomicUsize = AtomicUsize::new(0);
/// One caller at a time; a second one (two native tests at once) runs its parts itself.
static CALLER: Mutex<()> = Mutex::new(());
static SLEEPING: AtomicUsize = AtomicUsize::new(0);
static SLEEP: Mutex<()> = Mutex::new(());
static WAKE: Condvar = Condvar::new();
/// Looks at the job word this many times before sleeping (about a millisecond).
const SPINS: u32 = 1 << 20;

type Job<'a> = &'a (dyn Fn(usize) + Sync);

const fn generation(word: u64) -> u64 {
    word >> 32
}
const fn parts(word: u64) -> usize {
    ((word >> 16) & 0xffff) as usize
}
const fn next(word: u64) -> usize {
    (word & 0xffff) as usize
}

/// Helpers started so far.
pub fn helpers() -> usize {
    HELPERS.load(Acquire)
}

/// Starts helpers until there are `n` (or as many as `spawn` could start); returns how many there are.
pub fn start_helpers(n: usize, spawn: impl Fn(Box<dyn FnOnce() + Send>) -> bool) -> usize {
    while helpers() < n && spawn(Box::new(help)) {
        HELPERS.fetch_add(1, AcqRel);
    }
    helpers()
}

/// Runs `part(p)` for p in 0..parts, spread over the caller and the helpers; returns when all have run.
pub fn run(parts: usize, part: impl Fn(usize) + Sync) {
    assert!(parts < 1 << 16, "a job of {parts} parts");
    let Ok(_caller) = (if helpers() == 0 || parts <= 1 { Err(()) } else { CALLER.try_lock().map_err(|_| ()) }) else {
        return (0..parts).for_each(part);
    };
    let job: Job = &part;
    // SAFETY (of the helpers' use): JOB is read only by a thread that has claimed a part of this
    // generation, and this function does not return before every claimed part is done.
    JOB.store(&job as *const Job as *mut Job<'static>, Release);
    DONE.store(0, Relaxed);
    let word = ((generation(CLAIM.load(Relaxed)) + 1) << 32) | ((parts as u64) << 16);
    CLAIM.store(word, SeqCst);
    if SLEEPING.load(SeqCst) > 0 {
        let _sleep = SLEEP.lock().unwrap_or_else(|e| e.into_inner());
        WAKE.notify_all();
    }
    work(generation(word));
    while DONE.load(Acquire) < parts {
        std::hint::spin_loop();
    }
}

/// Claims and runs parts of generation `g` until none is left.
fn work(g: u64) {
    loop {
        let word = CLAIM.load(Acquire);
        if generation(word) != g || next(word) >= parts(word) {
            return;
        }
        if CLAIM.compare_exchange(word, word + 1, AcqRel, Relaxed).is_ok() {
            // SAFETY: part next(word) of this generation is claimed and not done, so its caller is
            // still waiting and JOB points at its live function.
            let job = unsafe { &*JOB.load(Acquire) };
            job(next(word));
            DONE.fetch_add(1, Release);
        }
    }
}

/// A helper's life: wait for a new job (spinning, then asleep), work on it, again.
fn help() {
    let mut seen = generation(CLAIM.load(Acquire));
    loop {
        let mut spins = 0;
        while generation(CLAIM.load(Acquire)) == seen && spins < SPINS {
            spins += 1;
            std::hint::spin_loop();
        }
        if generation(CLAIM.load(SeqCst)) == seen {
            let mut sleep = SLEEP.lock().unwrap_or_else(|e| e.into_inner());
            SLEEPING.fetch_add(1, SeqCst);
            while generation(CLAIM.load(SeqCst)) == seen {
                sleep = WAKE.wait(sleep).unwrap_or_else(|e| e.into_inner());
            }
            SLEEPING.fetch_sub(1, SeqCst);
        }
        seen = generation(CLAIM.load(Acquire));
        work(seen);
    }
}
