// TF.js's copy of the side-by-side net, shared by the page's main thread (versus.js) and the TF.js worker
// (tfjs-worker.js): variables from our initial layers, TF.js's own Adam with our constants, and the loss
// as ours (squared error summed per sample, averaged over the batch). `tf` is the global the vendored
// bundle sets, passed in so that this module works wherever the bundle was loaded.

/** The net on TF.js's current backend; `train(batches)` (Float32Arrays of [batchSize, inputs]) trains on
 * each in turn and resolves with the last one's loss. */
export function tfNet(tf, layers, batchSize) {
  const vars = layers.map((l) => ({
    w: tf.variable(tf.tensor2d(l.weight, [l.inputs, l.outputs])),
    b: tf.variable(tf.tensor1d(l.bias)),
  }));
  const width = layers[0].inputs;
  const optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-8);
  return {
    async train(batches) {
      let cost = null;
      for (const values of batches) {
        cost?.dispose();
        cost = tf.tidy(() => {
          const x = tf.tensor2d(values, [batchSize, width]);
          return optimizer.minimize(() => {
            let h = x;
            for (const v of vars) h = tf.sigmoid(tf.add(tf.matMul(h, v.w), v.b));
            return tf.div(tf.sum(tf.squaredDifference(h, x)), batchSize);
          }, true);
        });
      }
      const loss = (await cost.data())[0];
      cost.dispose();
      return loss;
    },
  };
}
