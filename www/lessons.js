// Lessons: one preset per topic of the classic texts, each a few settings and a short text, chosen by
// `#lesson=<key>` in the address (other settings in the hash still apply on top). A course author can
// also hide or lock controls from the address (`hide=` and `lock=` take setting keys or group names),
// start training at once (`autoplay=1`), and name the origins allowed to drive an embedded page by
// postMessage (`embedder=`).

export const LESSONS = [
  {
    key: 'bottleneck',
    title: 'The bottleneck',
    text: 'An undercomplete autoencoder squeezes 784 pixels through a narrow code (here 8 units) and must rebuild them from it. Try codes of 2, 8 and 64 units: the narrower the code, the blurrier the reconstructions. With 2 units the latent space is the code itself.',
    settings: { dataset: 'mnist', hidden: [8] },
  },
  {
    key: 'pretraining',
    title: 'Greedy layer-wise pretraining',
    text: 'A deep autoencoder trained one layer at a time: AE 1 learns a code of the pixels, AE 2 a code of that code, and so on. Then the deep net is assembled, each decoder layer starting as the transpose of its encoder layer, and fine-tuned end to end. Watch each stage’s own loss curve and reconstructions.',
    settings: { dataset: 'mnist', hidden: [256, 64, 16], pretrainEpochs: 2, epochs: 4 },
  },
  {
    key: 'denoising',
    title: 'Denoising',
    text: 'The input is corrupted (here 30% of the pixels set to zero) but the loss compares the output with the clean image: to undo the damage the code must capture the structure of digits, not copy pixels. Try salt-and-pepper or Gaussian noise instead.',
    settings: { dataset: 'mnist', hidden: [64], masking: 0.3 },
  },
  {
    key: 'sparse',
    title: 'Sparse codes',
    text: 'A wide code (128 units) kept sparse by a penalty: the KL divergence pulls each unit’s mean activation towards ρ = 0.05, so each image is described by a few active units. Compare the L1 penalty and k-sparse codes (keep the k largest units).',
    settings: { dataset: 'mnist', hidden: [128], klWeight: 0.5, klTarget: 0.05 },
  },
  {
    key: 'contractive',
    title: 'Contractive',
    text: 'The penalty λ‖J‖²_F on the encoder’s Jacobian makes the code insensitive to small moves of the input, except along the directions the data vary in. Raise λ and watch the reconstructions smooth out.',
    settings: { dataset: 'digits', hidden: [16], contractive: 0.1 },
  },
  {
    key: 'vae',
    title: 'Variational autoencoder',
    text: 'The encoder gives a mean and a variance per code unit; the code is sampled from them (the reparameterisation trick) and a KL term pulls the codes towards N(0, I). With a 2-unit code the latent space is a map you can sample new digits from.',
    settings: { dataset: 'mnist', hidden: [256, 2], activation: 'relu', variational: true, loss: 'crossEntropy', learningRate: 0.001 },
  },
  {
    key: 'pca',
    title: 'Linear autoencoder and PCA',
    text: 'With linear units and squared error an autoencoder can do no better than PCA with as many components, and a trained one spans the same subspace (Baldi and Hornik, 1989). Here 16 linear units on UCI digits.',
    settings: { dataset: 'digits', hidden: [16], activation: 'linear', outputActivation: 'linear' },
  },
  {
    key: 'fewLabels',
    title: 'Few labels',
    text: 'The autoencoder learns from every image without its label; a classifier then gets only a few labelled ones. Train for a while, pick a label budget in the Few labels panel and measure: a softmax on the raw pixels, on the frozen code, and with the encoder fine-tuned on the labels. Try again after more training, or with a denoising or pretrained model.',
    settings: { dataset: 'mnist', hidden: [128, 32] },
  },
];

/** The view parameters of a hash: the lesson (or null), the settings or groups hidden or locked,
 * autoplay, and the origins allowed to send messages. */
export function viewFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const list = (key) => new Set((params.get(key) ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const lesson = LESSONS.find((l) => l.key === params.get('lesson')) ?? null;
  return { lesson, hide: list('hide'), lock: list('lock'), autoplay: params.get('autoplay') === '1', embedder: list('embedder') };
}

/** The hash text for the view parameters ('' when there are none). */
export function viewToHash(view) {
  const params = new URLSearchParams();
  if (view.lesson) params.set('lesson', view.lesson.key);
  for (const key of ['hide', 'lock', 'embedder']) if (view[key]?.size) params.set(key, [...view[key]].join(','));
  if (view.autoplay) params.set('autoplay', '1');
  return params.toString();
}
