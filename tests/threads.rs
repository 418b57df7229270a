//! The CPU engine's products split over threads by rows or columns of their output (src/kernels/threads.rs),
//! each part summing in the order the whole would: the same numbers, bit for bit, on 1 thread and on
//! 4, for each product alone and for 30 steps of training (products and the optimizer's pass split,
//! Adam and SGD); and a part that panics.
#![cfg(not(target_arch = "wasm32"))]

use ae_playground::data::files;
use ae_playground::kernels::crew;
use ae_playground::kernels::matmul::{matmul, Operand};
use ae_playground::kernels::threads::{set_threads, split};
use ae_playground::model::optim::OptimizerKind;
use ae_playground::{Config, Session};
use pollster::block_on;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `run()` with products split over `threads` threads (1 again afterwards).
fn on_threads<R>(threads: usize, run: impl FnOnce() -> R) -> R {
    assert_eq!(set_threads(threads), threads);
    let result = run();
    set_threads(1);
    result
}

fn values(len: usize, seed: u32) -> Vec<f32> {
    (0..len).map(|i| ((i as u32).wrapping_mul(2654435761).wrapping_add(seed) % 2001) as f32 / 1000.0 - 1.0).collect()
}

#[test]
fn products_and_training_are_the_same_on_one_thread_and_on_four() {
    // Each product alone: every transpose, shapes that split unevenly, and accumulation.
    for (m, k, n) in [(67, 513, 83), (64, 784, 256), (256, 64, 784), (1000, 60, 41), (43, 100, 1001)] {
        on_threads(4, || assert!(split(m, k, n).is_some(), "{m}×{k}×{n} is split on 4 threads"));
        for (op_a, op_b) in [
            (Operand::Plain, Operand::Plain),
            (Operand::Transposed, Operand::Plain),
            (Operand::Plain, Operand::Transposed),
        ] {
            let (a, b, start) = (values(m * k, 1), values(k * n, 2), values(m * n, 3));
            let product = |threads| {
                on_threads(threads, || {
                    let mut out = start.clone();
                    matmul(&mut out, &a, op_a, &b, op_b, m, k, n, true);
                    out
                })
            };
            let (one, four) = (product(1), product(4));
            assert!(one.iter().zip(&four).all(|(x, y)| x.to_bits() == y.to_bits()), "{m}×{k}×{n} {op_a:?}·{op_b:?}");
        }
    }
    // 30 steps of a net whose products and optimizer pass split (784-256-32, 200,000 parameters, batch
    // 64), with Adam and with SGD, then the test loss on one thread.
    let mnist = files::repo("mnist").unwrap();
    for optimizer in [OptimizerKind::Adam, OptimizerKind::Sgd] {
        let trained = |threads| {
            let config = Config { hidden: vec![256, 32], batch_size: 64, seed: 9, optimizer, ..Config::default() };
            let mut session = Session::new(config, mnist.clone()).unwrap();
            on_threads(threads, || {
                block_on(session.train(30)).unwrap();
            });
            session.evaluate_test().loss
        };
        let (one, four) = (trained(1), trained(4));
        assert_eq!(
            one.to_bits(),
            four.to_bits(),
            "{optimizer:?}: test loss after 30 steps: {one} on 1 thread, {four} on 4"
        );
    }
    // A part that panics: the caller panics once every part has run, and the threads work after.
    let ran = AtomicUsize::new(0);
    let outcome = std::panic::catch_unwind(|| {
        on_threads(4, || {
            crew::run(8, |p| {
                ran.fetch_add(1, Ordering::SeqCst);
                assert!(p != 5, "part 5 fails on purpose");
            })
        })
    });
    set_threads(1);
    assert!(outcome.is_err(), "the caller panicked");
    assert_eq!(ran.load(Ordering::SeqCst), 8, "every part ran");
    on_threads(4, || {
        let sum = AtomicUsize::new(0);
        crew::run(8, |p| {
            sum.fetch_add(p, Ordering::SeqCst);
        });
        assert_eq!(sum.load(Ordering::SeqCst), 28);
    });
}
