//! Training throughput of a whole session on the CPU engine, as the page trains when there is no GPU:
//! each step's batch gathered from the dataset, stepped, its loss read and the weights checked, for the
//! default net (784-32-784, batch 64) and the deep net (784-1000-500-250-30, batch 256), on 2,000
//! random 28×28 images. Run with `cargo bench --bench session`.

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
    for (hidden, b) in [(vec![32], 64), (vec![1000, 500, 250, 30], 256)] {
        let c = Config { hidden: hidden.clone(), batch_size: b, ..Config::default() };
        let mut s = Session::new(c, images(2000)).unwrap();
        s.train_step().unwrap();
        let (start, mut steps) = (Instant::now(), 0);
        while start.elapsed().as_secs_f64() < MIN_SECONDS {
            s.train_step().unwrap();
            steps += 1;
        }
        let rate = (steps * b) as f64 / start.elapsed().as_secs_f64();
        println!("| 784-{}-… | {b} | {rate:.0} |", hidden.iter().map(|h| h.to_string()).collect::<Vec<_>>().join("-"));
    }
}
