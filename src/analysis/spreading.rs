//! Readouts that use the unlabelled samples too: the nearest labelled neighbour (1-NN), and label
//! spreading (Zhou et al., 2004) over a k-nearest-neighbour graph of every sample, the transductive
//! step that Kingma et al. (2014) pair with a generative model's code (M1 + TSVM). Both work on any
//! features: the pixels, PCA's coordinates, an autoencoder's code.

/// Neighbours in the graph, k = 5, and α = 0.99 (how far labels travel against how firmly the
/// labelled samples keep theirs): the pair `fidelity` F4 chooses from k ∈ {5, 10, 20} and
/// α ∈ {0.9, 0.99} on a validation split of MNIST-10k and of UCI digits (1,000 training rows outside
/// the labelled ones). In 40 rounds a label travels up to 40 links.
pub const NEIGHBOURS: usize = 5;
pub const ALPHA: f32 = 0.99;
const ROUNDS: usize = 40;

/// Squared Euclidean distances from row `i` of `x` ([n, d]) to every row, with the rows' squared norms.
fn distances_from(x: &[f32], d: usize, norms: &[f32], i: usize, out: &mut [f32]) {
    let xi = &x[i * d..(i + 1) * d];
    for (j, (row, norm)) in x.chunks_exact(d).zip(norms).enumerate() {
        let dot: f32 = xi.iter().zip(row).map(|(a, b)| a * b).sum();
        out[j] = (norms[i] + norm - 2.0 * dot).max(0.0);
    }
}

/// Each row's `k` nearest other rows of `x` ([n, d]), nearest first: (row, squared distance).
pub fn knn_graph(x: &[f32], d: usize, k: usize) -> Vec<Vec<(u32, f32)>> {
    let n = x.len() / d.max(1);
    let norms: Vec<f32> = x.chunks_exact(d.max(1)).map(|r| r.iter().map(|v| v * v).sum()).collect();
    let mut row = vec![0.0; n];
    (0..n)
        .map(|i| {
            distances_from(x, d, &norms, i, &mut row);
            let mut best: Vec<(u32, f32)> = Vec::with_capacity(k + 1);
            for (j, &dist) in row.iter().enumerate() {
                if j != i && (best.len() < k || dist < best[k - 1].1) {
                    let at = best.partition_point(|p| p.1 <= dist);
                    best.insert(at, (j as u32, dist));
                    best.truncate(k);
                }
            }
            best
        })
        .collect()
}

/// Label spreading over `graph`: the classes of every node, from the labelled nodes `seeds`
/// ((node, class)). Edges weigh exp(−d²/σ²), σ² the mean squared distance to the k-th neighbour,
/// made symmetric and normalised as D^−½ W D^−½; F ← αSF + (1 − α)Y, then each node's largest class
/// (UNREACHED for a node no label reached: a part of the graph without a labelled node).
pub fn spread(graph: &[Vec<(u32, f32)>], seeds: &[(usize, u8)], classes: usize, alpha: f32) -> Vec<u8> {
    let n = graph.len();
    let sigma2 = (graph.iter().filter_map(|g| g.last().map(|p| p.1)).sum::<f32>() / n.max(1) as f32).max(1e-12);
    // Both directions of each edge (a pair in each other's lists appears twice, once each way: kept,
    // as the mutual neighbours are the surer ones).
    let mut edges: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
    for (i, g) in graph.iter().enumerate() {
        for &(j, dist) in g {
            let w = (-dist / sigma2).exp();
            edges[i].push((j, w));
            edges[j as usize].push((i as u32, w));
        }
    }
    let scale: Vec<f32> = edges.iter().map(|e| 1.0 / e.iter().map(|p| p.1).sum::<f32>().max(1e-12).sqrt()).collect();
    let mut y = vec![0.0; n * classes];
    for &(node, class) in seeds {
        y[node * classes + class as usize] = 1.0;
    }
    let mut f = y.clone();
    let mut next = vec![0.0; n * classes];
    for _ in 0..ROUNDS {
        for (i, e) in edges.iter().enumerate() {
            let out = &mut next[i * classes..(i + 1) * classes];
            out.iter_mut().zip(&y[i * classes..(i + 1) * classes]).for_each(|(o, y)| *o = (1.0 - alpha) * y);
            for &(j, w) in e {
                let s = alpha * w * scale[i] * scale[j as usize];
                let fj = &f[j as usize * classes..(j as usize + 1) * classes];
                out.iter_mut().zip(fj).for_each(|(o, v)| *o += s * v);
            }
        }
        std::mem::swap(&mut f, &mut next);
    }
    f.chunks_exact(classes)
        .map(|r| match (0..classes).max_by(|&a, &b| r[a].total_cmp(&r[b])) {
            Some(c) if r[c] > 0.0 => c as u8,
            _ => UNREACHED,
        })
        .collect()
}

/// The class `spread` gives a node no label reached (counted as wrong).
pub const UNREACHED: u8 = u8::MAX;

/// The class of each query row's nearest labelled row (1-NN), rows of `x` ([n, d]).
pub fn nearest_labelled(x: &[f32], d: usize, seeds: &[(usize, u8)], queries: &[usize]) -> Vec<u8> {
    let row = |i: usize| &x[i * d..(i + 1) * d];
    queries
        .iter()
        .map(|&q| {
            let distance = |s: usize| row(q).iter().zip(row(s)).map(|(a, b)| (a - b) * (a - b)).sum::<f32>();
            seeds
                .iter()
                .map(|&(s, class)| (distance(s), class))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map_or(UNREACHED, |s| s.1)
        })
        .collect()
}

/// The share of predictions equal to their truths (in pairs; 0 for none).
pub fn accuracy(predicted: impl IntoIterator<Item = u8>, truth: impl IntoIterator<Item = u8>) -> f64 {
    let (mut right, mut all) = (0, 0);
    for (p, t) in predicted.into_iter().zip(truth) {
        right += usize::from(p == t);
        all += 1;
    }
    right as f64 / all.max(1) as f64
}
