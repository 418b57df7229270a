//! The few-labels readouts that use the unlabelled samples: on two rings with one label each, placed
//! so that most of the outer ring is nearer the inner ring's label, the nearest labelled neighbour
//! gets those wrong and label spreading, which follows each ring, gets every point right; on UCI
//! digits, spreading over an autoencoder's code beats the pixels by 5 points.

use ae_playground::analysis::spreading::{accuracy, knn_graph, nearest_labelled, spread, ALPHA, NEIGHBOURS, UNREACHED};

const PER_RING: usize = 150;

/// Points on a ring of radius 1 (class 0) then one of radius 3 (class 1), evenly spaced.
fn rings() -> (Vec<f32>, Vec<u8>) {
    let mut x = Vec::new();
    let mut labels = Vec::new();
    for (class, radius) in [(0u8, 1.0f32), (1, 3.0)] {
        for i in 0..PER_RING {
            let t = i as f32 / PER_RING as f32 * std::f32::consts::TAU;
            x.extend([radius * t.cos(), radius * t.sin()]);
            labels.push(class);
        }
    }
    (x, labels)
}

#[test]
fn spreading_follows_the_rings_where_the_nearest_label_does_not() {
    let (x, labels) = rings();
    // Labelled: the inner ring at angle 0, (1, 0); the outer at angle π, (−3, 0).
    let seeds = [(0, 0u8), (PER_RING + PER_RING / 2, 1u8)];
    let all: Vec<usize> = (0..2 * PER_RING).collect();
    let nearest = accuracy(nearest_labelled(&x, 2, &seeds, &all), labels.iter().copied());
    let graph = knn_graph(&x, 2, NEIGHBOURS);
    assert!(
        graph.iter().all(|g| g.len() == NEIGHBOURS && g.windows(2).all(|w| w[0].1 <= w[1].1)),
        "k neighbours each, nearest first"
    );
    let spreading = accuracy(spread(&graph, &seeds, 2, ALPHA), labels.iter().copied());
    println!("two rings, one label each: nearest labelled neighbour {nearest:.3}, label spreading {spreading:.3}");
    assert!(nearest < 0.8, "1-NN takes most of the outer ring for the inner: {nearest}");
    assert_eq!(spreading, 1.0, "spreading follows each ring");
}

#[test]
fn the_labelled_points_keep_their_labels_and_a_label_reaches_its_ring_only() {
    let (x, _) = rings();
    let graph = knn_graph(&x, 2, NEIGHBOURS);
    let seeds = [(3, 1u8), (PER_RING + 7, 0u8)];
    let predicted = spread(&graph, &seeds, 2, ALPHA);
    assert_eq!((predicted[3], predicted[PER_RING + 7]), (1, 0));
    // One label on the inner ring: the whole inner ring takes it; the outer ring, not linked to it
    // in the graph, is left unreached (not given the label by a tie).
    for class in [0, 1] {
        let lone = spread(&graph, &[(5, class)], 2, ALPHA);
        assert!(lone[..PER_RING].iter().all(|&c| c == class), "class {class}: the inner ring");
        assert!(lone[PER_RING..].iter().all(|&c| c == UNREACHED), "class {class}: the outer ring");
    }
}

/// On UCI digits with 10 labels a class: spreading the labels over the code of an autoencoder
/// trained on every image (3,000 steps) beats the best that the pixels give (a softmax, or 1-NN)
/// by 5 points or more.
#[test]
fn on_digits_spreading_over_the_code_beats_the_pixels_by_five_points() {
    use ae_playground::data::files;
    use ae_playground::{Config, Session};
    let data = files::repo("digits").unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::new(Config { hidden: vec![32], ..Config::default() }, data).unwrap();
    for _ in 0..3000 {
        s.train_step().unwrap();
    }
    let pca = s.fit_pca().unwrap();
    let r = s.few_labels(100, 1, &pca).unwrap();
    let pixels = r.raw.max(r.nearest.raw.unwrap());
    println!("digits, 100 labels: pixels {pixels:.3} (softmax {:.3}, 1-NN {:.3}); code: softmax {:.3}, fine-tuned {:.3}, 1-NN {:.3}, spreading {:.3}; PCA-{} spreading {:.3}; Γ-model {:?}", r.raw, r.nearest.raw.unwrap(), r.frozen_code, r.fine_tuned, r.nearest.code, r.spread.code, r.pca_width, r.spread.pca, r.gamma);
    assert!(
        r.spread.code >= pixels + 0.05,
        "spreading over the code {:.3} against the pixels' best {pixels:.3}",
        r.spread.code
    );
}
