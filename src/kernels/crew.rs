//! The helper threads that share the CPU engine's products: a caller publishes a job (a function of a
//! part's index), every taking-part thread, the caller included, claims parts until none is left, and
//! the caller waits for the last. Between jobs the helpers spin for a while (the products of one
//! training step come a fraction of a millisecond apart), then sleep until the next job wakes them: a
//! helper woken for every product would arrive when the product is nearly done. Helpers beyond the
//! number taking part (`set_taking_part`) only sleep. Which thread runs a part never changes a
//! result. Natively the helpers are std threads; in the threaded wasm build they run on the Web
//! Workers of wasm-bindgen-rayon's pool.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Condvar, Mutex};

/// The job now, in one word so that a claim sees all of it at once: generation (32 bits), parts (16)
/// and the next part not yet claimed (16).
static CLAIM: AtomicU64 = AtomicU64::new(0);
/// The job's function, valid while its caller waits (it lives on the caller's stack).
static JOB: AtomicPtr<Job<'static>> = AtomicPtr::new(std::ptr::null_mut());
static DONE: AtomicUsize = AtomicUsize::new(0);
/// Whether a part of the job now panicked (the caller panics once every part is done).
static PANICKED: AtomicBool = AtomicBool::new(false);
static HELPERS: AtomicUsize = AtomicUsize::new(0);
/// Helpers 0..TAKING_PART claim parts and spin between jobs; the others sleep.
static TAKING_PART: AtomicUsize = AtomicUsize::new(0);
/// One caller at a time; a second one (two native tests at once) runs its parts itself.
static CALLER: AtomicBool = AtomicBool::new(false);
static SLEEPING: AtomicUsize = AtomicUsize::new(0);
static SLEEP: Mutex<()> = Mutex::new(());
static WAKE: Condvar = Condvar::new();
/// Looks at the job word this many times before sleeping: about a millisecond, in wasm as a plain
/// load, natively with a pause instruction each (tens of cycles or more).
const SPINS: u32 = if cfg!(target_arch = "wasm32") { 1 << 20 } else { 1 << 14 };

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
    while helpers() < n {
        let index = helpers();
        if !spawn(Box::new(move || help(index))) {
            break;
        }
        HELPERS.fetch_add(1, AcqRel);
    }
    helpers()
}

/// How many helpers take part in jobs from now on (at most those started).
pub fn set_taking_part(n: usize) {
    TAKING_PART.store(n.min(helpers()), SeqCst);
}

/// Runs `part(p)` for p in 0..parts, spread over the caller and the helpers taking part; returns when
/// all have run. A part that panics makes this panic too, after every part has run.
pub fn run(parts: usize, part: impl Fn(usize) + Sync) {
    assert!(parts < 1 << 16, "a job of {parts} parts");
    if TAKING_PART.load(Relaxed) == 0 || parts <= 1 || CALLER.swap(true, Acquire) {
        return (0..parts).for_each(part);
    }
    let job: Job = &part;
    // SAFETY (of the helpers' use): JOB is read only by a thread that has claimed a part of this
    // generation, and this function does not return (nor unwind: parts' panics are caught) before
    // every claimed part is done.
    JOB.store(&job as *const Job as *mut Job<'static>, Release);
    DONE.store(0, Relaxed);
    PANICKED.store(false, Relaxed);
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
    let panicked = PANICKED.load(Acquire);
    CALLER.store(false, Release);
    assert!(!panicked, "a part of a job shared among threads panicked");
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
            if catch_unwind(AssertUnwindSafe(|| job(next(word)))).is_err() {
                PANICKED.store(true, Release);
            }
            DONE.fetch_add(1, Release);
        }
    }
}

/// Helper `index`'s life: wait for a new job (spinning while it takes part, then asleep), work on it
/// if it takes part, again.
fn help(index: usize) {
    let mut seen = generation(CLAIM.load(Acquire));
    loop {
        let mut spins = 0;
        while generation(CLAIM.load(Acquire)) == seen && spins < SPINS && index < TAKING_PART.load(Relaxed) {
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
        if index < TAKING_PART.load(Relaxed) {
            work(seen);
        }
    }
}
