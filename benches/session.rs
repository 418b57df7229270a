//! Training throughput of a whole session on the CPU engine, as the page trains when there is no GPU:
//! each step's batch gathered from the dataset, stepped, its loss read and the weights checked, for the
//! default net (784-32-784, batch 64), the deep net (784-1000-500-250-30, batch 256), and the deep
//! net's second pretraining stage (each batch through the frozen first stage, then 1000-500-1000), on
//! 2,000 random 28×28 images. Run with `cargo bench --bench session`.

use ae_playground::{Config, Dataset, Session};
use std::time::Instant;

const MIN_SECONDS: f64 = 3.0;

fn images(n: usize) -> Dataset {
    let mut x = 12345u32;
    let bytes = (0..n * 784)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    Dataset {
        name: "random".into(),
        height: 28,
        width: 28,
        bytes,
        scale: 1.0 / 255.0,
        n_train: n - 200,
        ..Dataset::default()
    }
}

fn main() {
    println!("| net | batch | session samples/s (CPU engine) |\n|---|---|---|");
    let deep = vec![1000, 500, 250, 30];
    for (hidden, b, stage) in [(vec![32], 64, 0), (deep.clone(), 256, 0), (deep, 256, 1)] {
        let pretrain_epochs = if stage > 0 { 100 } else { 0 };
        let c = Config { hidden: hidden.clone(), batch_size: b, pretrain_epochs, ..Config::default() };
        let mut s = Session::new(c, images(2000)).unwrap();
        s.train_step().unwrap();
        while s.current < stage {
            s.train_step().unwrap();
        }
        let (start, mut steps) = (Instant::now(), 0);
        while start.elapsed().as_secs_f64() < MIN_SECONDS {
            s.train_step().unwrap();
            steps += 1;
        }
        let rate = (steps * b) as f64 / start.elapsed().as_secs_f64();
        let net = hidden.iter().map(|h| h.to_string()).collect::<Vec<_>>().join("-");
        let what =
            if stage > 0 { format!("pretraining stage {} of 784-{net}", stage + 1) } else { format!("784-{net}-…") };
        println!("| {what} | {b} | {rate:.0} |");
    }
}
