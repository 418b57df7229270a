// The ten built-in lessons, as plain data in the same shape an instructor's lesson file has (see
// lessons.js and example.json beside this file). Kept in a module rather than JSON files so that they
// load with the page in every browser, without import attributes. Loss thresholds were measured on
// the CPU engine with these settings and seed 1 (each is crossed within a few thousand steps).

export const BUILT_IN_LESSONS = [
  {
    key: 'bottleneck',
    title: 'The bottleneck',
    settings: { dataset: 'mnist', hidden: [8] },
    steps: [
      {
        text: 'An undercomplete autoencoder squeezes the 784 pixels of an image through a narrow code, here 8 units, and must rebuild the image from the code alone. Press Play. At first every output is the same blurry average digit, the mean image (test loss about 53); after a few thousand steps the code starts to tell digits apart.',
        watch: 'reconstructions',
        goal: { testLossBelow: 45 },
      },
      {
        text: 'Widen the code to 64 units: press + on the code card in the network (or set the last number under Hidden layers in Settings). More of each image gets through a wider code: the reconstructions sharpen and the loss falls far lower.',
        watch: 'code',
        goal: { testLossBelow: 15, codeUnits: 64 },
      },
      {
        text: 'Now try a code of 2 units. With 2 units the latent space is the code itself: each test image is a point on the plane. A code this narrow can stay on the mean image for many thousands of steps.',
        watch: 'latent',
        goal: {
          question: 'Of codes of 2, 8 and 64 units, which gives the blurriest reconstructions?',
          choices: ['2 units', '8 units', '64 units'],
          answer: 0,
          explain: 'The narrower the code, the less of each image it carries, and the blurrier the reconstructions.',
        },
      },
    ],
  },
  {
    key: 'pretraining',
    title: 'Greedy layer-wise pretraining',
    settings: { dataset: 'mnist', hidden: [256, 64, 16], pretrainEpochs: 2, epochs: 4 },
    steps: [
      {
        text: 'A deep autoencoder (784 → 256 → 64 → 16) trained one layer at a time. First AE 1, a shallow autoencoder, learns a 256-unit code of the pixels. Press Play and watch the list of phases: each stage shows its progress, then its own loss curve and reconstructions.',
        watch: 'phases',
        goal: { phase: 'stage', stage: 1 },
      },
      {
        text: 'AE 2 learns a 64-unit code of the code of AE 1, and AE 3 a 16-unit code of that. A later stage reconstructs the code of the stage below, not the pixels: its reconstructions are drawn as tiles, and its loss is of another kind, so each stage has its own curve.',
        watch: 'reconstructions',
        goal: { phase: 'fineTune' },
      },
      {
        text: 'Then the deep net is assembled: the encoders stacked, each decoder layer starting as the transpose of its encoder layer. Its first test loss on the pixels is high, since the stages’ errors add up; fine-tuning end to end brings it down.',
        watch: 'loss',
        goal: { phase: 'fineTune', testLossBelow: 25 },
      },
    ],
  },
  {
    key: 'denoising',
    title: 'Denoising',
    settings: { dataset: 'mnist', hidden: [64], masking: 0.3 },
    steps: [
      {
        text: 'The input is corrupted before the encoder sees it: here 30% of the pixels are set to zero, different ones each time. Press Play; the middle row of the reconstructions shows the test images corrupted as in training.',
        watch: 'noise',
        goal: { testLossBelow: 20 },
      },
      {
        text: 'The loss compares the output with the clean image: to undo the damage the code must capture the structure of digits, not copy pixels. Compare the bottom row with the top one.',
        watch: 'loss',
        goal: {
          question: 'What does the loss compare the output with?',
          choices: ['The clean image', 'The corrupted input', 'The code'],
          answer: 0,
          explain: 'The net sees the corrupted image but is scored against the clean one, so copying its input is not enough.',
        },
      },
      {
        text: 'Try another corruption: salt-and-pepper noise (pixels set to black or white) instead of masking. Gaussian noise is a third kind.',
        watch: 'noise',
        goal: { settings: { masking: 0, saltPepper: 0.3 } },
      },
    ],
  },
  {
    key: 'sparse',
    title: 'Sparse codes',
    settings: { dataset: 'mnist', hidden: [128], klWeight: 0.5, klTarget: 0.05 },
    steps: [
      {
        text: 'A wide code, 128 units, kept sparse by a penalty: the KL divergence pulls each unit’s mean activation towards ρ = 0.05. Press Play and watch the code.',
        watch: 'code',
        goal: { testLossBelow: 15 },
      },
      {
        text: 'With the mean activation of every unit near 0.05, each image is described by a few active units, each standing for a part of the digits it sees often.',
        watch: 'code',
        goal: {
          question: 'How many of the 128 code units are strongly active for one image?',
          choices: ['A few', 'About half', 'Nearly all'],
          answer: 0,
          explain: 'A mean activation of 0.05 leaves room for only a few active units per image.',
        },
      },
      {
        text: 'Compare other sparse codes: a k-sparse code keeps only the k largest units of each code and zeroes the rest. Turn the KL penalty off and keep 10 units. (The L1 penalty on the code is a third way.)',
        watch: 'code',
        goal: { settings: { klWeight: 0, kSparse: 10 } },
      },
    ],
  },
  {
    key: 'contractive',
    title: 'Contractive',
    settings: { dataset: 'digits', hidden: [16], contractive: 0.1 },
    steps: [
      {
        text: 'The penalty λ‖J‖²_F on the encoder’s Jacobian makes the code insensitive to small moves of the input. Here λ = 0.1, with a 16-unit code of the 8×8 UCI digits. Press Play.',
        watch: 'encoder',
        goal: { testLossBelow: 2.5 },
      },
      {
        text: 'Raise λ to 1 and watch the reconstructions smooth out: the code now ignores more of the detail of its input.',
        watch: 'reconstructions',
        goal: { settings: { contractive: 1 }, stepsAtLeast: 500 },
      },
      {
        text: 'The reconstruction loss pulls the other way: the code must still tell the training images apart, so it stays sensitive where the data vary.',
        watch: 'code',
        goal: {
          question: 'Along which directions does a contractive code still change?',
          choices: ['Along the directions the data vary in', 'Equally in every direction', 'In none: the code is constant'],
          answer: 0,
          explain: 'The penalty flattens the code everywhere except along the directions the data vary in, which the reconstruction needs.',
        },
      },
    ],
  },
  {
    key: 'vae',
    title: 'Variational autoencoder',
    settings: { dataset: 'mnist', hidden: [256, 2], activation: 'relu', variational: true, loss: 'crossEntropy', learningRate: 0.001 },
    steps: [
      {
        text: 'The encoder gives a mean and a variance per code unit, and the code is sampled from them: the reparameterisation trick (z = μ + σ·ε) lets the gradient pass through the sampling. Press Play.',
        watch: 'code',
        goal: { testLossBelow: 170 },
      },
      {
        text: 'A KL term pulls the codes towards N(0, I). With a 2-unit code the latent space is a map: each test image is a point, and the digits settle into regions around the origin.',
        watch: 'latent',
        goal: {
          question: 'What does the KL term pull the codes towards?',
          choices: ['The standard normal N(0, I)', 'The input pixels', 'Exactly zero'],
          answer: 0,
        },
      },
      {
        text: 'Because the codes follow N(0, I), the latent space is a map you can sample new digits from: decode points drawn from the prior, or a grid across the map, in the Generating panel.',
        watch: 'decoder',
      },
    ],
  },
  {
    key: 'pca',
    title: 'Linear autoencoder and PCA',
    settings: { dataset: 'digits', hidden: [16], activation: 'linear', outputActivation: 'linear' },
    steps: [
      {
        text: 'An autoencoder with linear units and squared error: here 16 linear units on the UCI digits. Press Play.',
        watch: 'loss',
        goal: { testLossBelow: 0.8 },
      },
      {
        text: 'Open the PCA panel and compare with PCA’s error for 16 components. A linear autoencoder can do no better than PCA with as many components, and a trained one spans the same subspace (Baldi and Hornik, 1989).',
        watch: 'loss',
        goal: {
          question: 'Can this autoencoder’s test loss go below that of PCA with 16 components?',
          choices: ['No: at best it matches PCA', 'Yes, with enough training', 'Yes, with a larger learning rate'],
          answer: 0,
        },
      },
    ],
  },
  {
    key: 'fewLabels',
    title: 'Few labels',
    settings: { dataset: 'mnist', hidden: [128, 32] },
    steps: [
      {
        text: 'The autoencoder learns from every image without its label: press Play and let it train 300 steps. A classifier then gets only a few labelled images. Pick a label budget in the Few labels panel (100, say) and measure: a softmax on the raw pixels, on the frozen code, and with the encoder fine-tuned on the labels.',
        watch: 'code',
        goal: { stepsAtLeast: 300, accuracyAbove: 0.7 },
      },
      {
        text: 'A softmax learns from the labelled images alone. Label spreading also uses the 9,900 unlabelled ones: it links every image to its 5 nearest in the code and lets the labels flow along the links, so a digit takes the label of the labelled digits its neighbours lead to. Train to 3,000 steps, measure again with 100 labels, and compare “code, spreading” with “pixels, softmax”.',
        watch: 'code',
        goal: { stepsAtLeast: 3000, spreadAccuracyAbove: 0.85 },
      },
      {
        text: 'Spreading needs good neighbours: images of one digit close together. The code gives them, but so do PCA’s coordinates of the same width (“PCA, spreading”): on MNIST most of the gain is the spreading’s, the unlabelled images linked to the labelled ones.',
        watch: 'code',
        goal: {
          question: 'Where does the code’s advantage over an untrained one come from?',
          choices: ['The unlabelled images the autoencoder learned from', 'More labels', 'A wider code'],
          answer: 0,
        },
      },
      {
        text: 'The autoencoder family has its own way to learn from the unlabelled images while it classifies: the ladder network. Its simplest form, the Γ-model, fine-tunes the encoder on the labels with noise added at every layer, and puts a small denoiser on top that must turn the noisy class scores of every unlabelled image back into the clean ones. Train on to 4,000 steps, measure again with 100 labels, and compare “Γ-model (ladder)” with “encoder fine-tuned, softmax”, which sees the 100 labelled images alone.',
        watch: 'code',
        goal: { stepsAtLeast: 4000, gammaAccuracyAbove: 0.82 },
      },
    ],
  },
  {
    key: 'segmentation',
    title: 'Segmentation from patches',
    settings: { dataset: 'mnist', hidden: [32] },
    steps: [
      {
        text: 'An autoencoder can learn an image without any labels: cut it into the small patch around each pixel, and train on the patches. In the Segmentation panel below, keep the texture mosaic and press “Train on its patches”. The network now takes 121 inputs, an 11×11 patch; its reconstructions are patches too.',
        watch: 'segmentation',
        goal: { segmentationLoaded: true, stepsAtLeast: 1000 },
      },
      {
        text: 'Now label a few pixels: pick a class (the buttons are named after the textures) and paint a short stroke inside that texture, then the next, for all four. A classifier learns from the codes of the pixels you painted alone, and colours every other pixel by its guess. Beside it, the same classifier on the raw patches and on PCA.',
        watch: 'segmentation',
        goal: { segmentationAccuracyAbove: 0.85 },
      },
      {
        text: 'Set “Codes averaged over” to 1 px: each pixel is then classified by its own patch alone. Then back to 21 px.',
        watch: 'segmentation',
        goal: {
          question: 'Why does averaging the codes over a window help so much, and averaging raw pixels or PCA hardly at all?',
          choices: [
            'Stripes at a random phase give each patch a different code; the mean of the code’s nonlinear units keeps what the texture has everywhere, while the mean of linear features is only the local brightness',
            'A wider window sees more labelled pixels',
            'Averaging removes the noise the autoencoder adds',
          ],
          answer: 0,
          explain: 'A sigmoid unit responds to how much of its pattern is present, whatever its phase, once averaged; a linear feature averages its pattern away.',
        },
      },
    ],
  },
  {
    key: 'convFilters',
    title: 'What the first conv layer learns',
    settings: { dataset: 'mnist', conv: [{ filters: 16, kernel: 5, stride: 2 }], hidden: [32], activation: 'linear' },
    steps: [
      {
        text: 'A convolutional autoencoder: its first layer is 16 filters, each a window of 5×5 weights slid over the whole image, two pixels at a time. Each filter makes one feature map of 14×14, drawn on the “conv 1” card: where in the image its pattern is. Click the title “conv 1” to see the 16 filters themselves (Inside the model shows them larger). They start as noise. Press Play.',
        watch: 'code',
        goal: { testLossBelow: 8 },
      },
      {
        text: 'Train on for a thousand steps or so, and look at the filters again, and at the maps on the conv 1 card for a few test images (click a sample on the left).',
        watch: 'code',
        goal: {
          question: 'What have most of the first layer’s filters become?',
          choices: [
            'Small strokes and edges at different angles, each looked for all over the image',
            'Whole digits, one per filter',
            'Still noise: a convolution’s weights barely change',
          ],
          answer: 0,
          explain: 'A filter sees only a 5×5 window, so the most it can hold is a piece of a stroke; and since the same filter slides everywhere, a stroke learnt once is found wherever it appears. The layers above put the pieces together. Dense first layers, which see the whole image at once, learn whole-image templates instead (try the bottleneck lesson and open its filters).',
        },
      },
    ],
  },
];
