//! The GEMM benchmark shared by `benches/gemm.rs` (native) and `benchMatmul` (wasm): times the CPU
//! matmul on the three products training uses. The clock comes from the caller (`Instant` natively,
//! `performance.now()` in JavaScript), since `std::time::Instant` panics on wasm32.

use crate::kernels::matmul::{matmul, Operand};

/// Measurements per result; the result is their median.
pub const RUNS: usize = 5;

/// The three products of a dense layer's training step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    /// C = A·B, the forward pass.
    Ab,
    /// C = Aᵀ·B, the weight gradient.
    AtB,
    /// C = A·Bᵀ, the input gradient.
    ABt,
}

impl Product {
    pub const ALL: [Product; 3] = [Product::Ab, Product::AtB, Product::ABt];

    /// The short name `benchMatmul` takes: "ab", "atb" or "abt".
    pub fn name(self) -> &'static str {
        match self {
            Product::Ab => "ab",
            Product::AtB => "atb",
            Product::ABt => "abt",
        }
    }

    pub fn parse(name: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The row label of the benchmark tables.
    pub fn label(self) -> &'static str {
        match self {
            Product::Ab => "C = A·B (forward)",
            Product::AtB => "C = Aᵀ·B (weight gradient)",
            Product::ABt => "C = A·Bᵀ (input gradient)",
        }
    }

    fn ops(self) -> (Operand, Operand) {
        match self {
            Product::Ab => (Operand::Plain, Operand::Plain),
            Product::AtB => (Operand::Transposed, Operand::Plain),
            Product::ABt => (Operand::Plain, Operand::Transposed),
        }
    }
}

/// One result: the median time of one product and its rate.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub seconds: f64,
    pub gflops: f64,
}

/// Times `product` on square `size`×`size` matrices: a warm-up, then `RUNS` measurements that each
/// repeat the product for at least `min_seconds`; returns the median. `now` reads a clock in seconds.
pub fn measure(product: Product, size: usize, min_seconds: f64, now: &dyn Fn() -> f64) -> Timing {
    let (m, k, n) = (size, size, size);
    let (op_a, op_b) = product.ops();
    let a: Vec<f32> = (0..m * k).map(|i| (i % 97) as f32 / 97.0 - 0.5).collect();
    let b: Vec<f32> = (0..k * n).map(|i| (i % 89) as f32 / 89.0 - 0.5).collect();
    let mut out = vec![0.0f32; m * n];
    // Seconds per product, repeating it until at least `seconds` have passed.
    let mut time = |seconds: f64| {
        let (start, mut reps) = (now(), 0u32);
        loop {
            matmul(&mut out, &a, op_a, &b, op_b, m, k, n, false);
            std::hint::black_box(&mut out);
            reps += 1;
            let elapsed = now() - start;
            if elapsed >= seconds {
                return elapsed / reps as f64;
            }
        }
    };
    time(min_seconds / 3.0);
    let mut runs: Vec<f64> = (0..RUNS).map(|_| time(min_seconds)).collect();
    runs.sort_by(f64::total_cmp);
    let seconds = runs[RUNS / 2];
    Timing { seconds, gflops: 2.0 * m as f64 * n as f64 * k as f64 / seconds / 1e9 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn names_round_trip_and_the_rate_follows_the_clock() {
        // A fake clock that advances 1 ms per read: each run times one product at 1 ms.
        let ticks = Cell::new(0u32);
        let now = || {
            ticks.set(ticks.get() + 1);
            ticks.get() as f64 * 1e-3
        };
        for product in Product::ALL {
            assert_eq!(Product::parse(product.name()), Some(product));
            let t = measure(product, 16, 1e-3, &now);
            assert!((t.seconds - 1e-3).abs() < 1e-12, "{product:?}: {t:?}");
            assert!((t.gflops - 2.0 * 16f64.powi(3) / 1e-3 / 1e9).abs() < 1e-9, "{product:?}: {t:?}");
        }
        assert_eq!(Product::parse("ba"), None);
    }
}
