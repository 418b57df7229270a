// The comparison lessons: each starts B beside A (`compare`: the settings B changes) and asks the
// student to watch how the two part. Their thresholds were measured with scripts/measure-comparisons.mjs
// (the page's engine in Node, on the CPU, seeds 1 to 3; figures in docs/instructors.md) and hold for each seed.

export const COMPARISON_LESSONS = [
  {
    key: 'whyPretrain',
    title: 'Why pretrain?',
    settings: { dataset: 'digits', hidden: [32, 16, 8], optimizer: 'sgd', learningRate: 0.1, initGain: 1, batchSize: 32 },
    compare: { pretrainEpochs: 5 },
    steps: [
      {
        text: 'The setting of the classic texts: a deep net (64 → 32 → 16 → 8) of sigmoid units, small random weights (plain Glorot) and plain SGD. A starts from random weights; B is first pretrained layer by layer, then fine-tuned. Both take the same steps on the same batches. Press Play and watch the loss chart: A stays stuck near the mean image.',
        watch: 'loss',
        goal: { stepsAtLeast: 1500, bLowerBy: 0.5 },
      },
      {
        text: 'Greedy pretraining put B’s weights where gradients can reach the lower layers; from random weights, the gradient through three sigmoid layers is too faint for SGD. Now the modern counterpoint: in Settings choose the Adam optimizer, a learning rate of 0.003 and an initial weight scale of 0 (scaled to each activation). Both models start again.',
        watch: 'loss',
        goal: { settings: { optimizer: 'adam', learningRate: 0.003, initGain: 0 }, stepsAtLeast: 1500 },
      },
      {
        text: 'With Adam and weights scaled to the activation, A trains well from random weights, and B’s pretraining no longer buys anything at equal steps: it spent steps on the stages that A spent on the whole net.',
        watch: 'loss',
        goal: {
          question: 'Where does layer-wise pretraining still earn its keep?',
          choices: ['Where the deep net cannot be trained from random weights (plain SGD, small weights)', 'Always: it is never worse', 'Nowhere: it was a mistake'],
          answer: 0,
          explain: 'Pretraining rescued deep nets that their optimizers could not train from random weights (Hinton and Salakhutdinov, 2006; Bengio et al., 2007). Better initialisation and optimizers removed most of that need.',
        },
      },
    ],
  },
  {
    key: 'twoPretrainings',
    title: 'Two ways to pretrain',
    settings: { dataset: 'digits', hidden: [32, 16, 8], optimizer: 'sgd', learningRate: 0.1, initGain: 1, batchSize: 32 },
    compare: { pretrainEpochs: 10, pretrain: 'rbm' },
    steps: [
      {
        text: 'The deep sigmoid net of “Why pretrain?” (64 → 32 → 16 → 8, plain Glorot weights, plain SGD). A starts from random weights. B is pretrained as Hinton did: each pair of layers is a restricted Boltzmann machine, trained by contrastive divergence, before the net is unrolled and fine-tuned. Press Play. While B’s stages train, the panel “What the RBM dreams” shows what B’s RBM finds likely; show B in the diagram (the B switch beside its title) to see each stage drawn as two layers joined both ways by one weight matrix.',
        watch: 'loss',
        goal: { stepsAtLeast: 2500, bLowerBy: 0.4 },
      },
      {
        text: 'B’s RBM stages took it far below A’s random start, as “Why pretrain?” showed for autoencoder stages. Now set the two ways side by side: give A autoencoder stages. In Settings, under Layer-wise pretraining, set Epochs per stage to 10 (each stage stays an autoencoder). Both start again, with 10 epochs a stage each.',
        watch: 'loss',
        goal: { settings: { pretrainEpochs: 10 }, stepsAtLeast: 2500 },
      },
      {
        text: 'Both pretrained nets now fine-tune from a good start. Read the loss chart and the bar above it: which is lower after the same 2,500 steps?',
        watch: 'loss',
        goal: {
          question: 'Which pretraining left the lower test loss after fine-tuning here?',
          choices: ['A: autoencoder stages', 'B: RBM stages', 'The two are the same'],
          answer: 0,
          explain: 'Here the autoencoder stages win: over seeds 1 to 3, A reached a test loss of 1.25–1.27 and B 1.74–2.03 after 2,500 steps (measured with npm run measure:comparisons). An RBM learns by contrastive divergence, a noisy estimate of its likelihood’s gradient, and needs many updates: Hinton trained each for 50 epochs on 60,000 images, where B has 10 epochs of 1,437. Both beat random weights; with so few updates, the stage trained by backpropagation on its own reconstruction starts the fine-tuning closer to its end.',
        },
      },
    ],
  },
  {
    key: 'denoisingVsPlain',
    title: 'Denoising vs plain',
    settings: { dataset: 'digits', hidden: [32], batchSize: 32 },
    compare: { masking: 0.3 },
    steps: [
      {
        text: 'A is a plain autoencoder; B is the same net trained to rebuild each image from a copy with 30% of its pixels masked (the middle rows of B’s reconstructions). Press Play. The bar above compares both on test images with half their pixels masked, which neither has seen.',
        watch: 'reconstructions',
        goal: { stepsAtLeast: 1000, bLowerMaskedBy: 0.15 },
      },
      {
        text: 'On clean test images, A may well be the better of the two: it was trained on exactly that. On masked ones B fills in what is missing.',
        watch: 'loss',
        goal: {
          question: 'What did masking teach B that A did not learn?',
          choices: ['To rebuild an image from part of it: how pixels go together', 'To copy its input more exactly', 'To use fewer code units'],
          answer: 0,
          explain: 'A denoising autoencoder must learn the dependencies between pixels to fill in the masked ones (Vincent et al., 2008).',
        },
      },
    ],
  },
  {
    key: 'sparseVsDense',
    title: 'Sparse vs dense codes',
    settings: { dataset: 'digits', hidden: [64], batchSize: 32 },
    compare: { klWeight: 0.5, klTarget: 0.05 },
    steps: [
      {
        text: 'Both have a wide code of 64 sigmoid units, more than the 64 pixels of the image. B pays a KL penalty for each unit whose mean activation ρ̂ strays from ρ = 0.05. Press Play and watch the bars of ρ̂ per unit above: A’s units are busy, B’s mostly quiet.',
        watch: 'code',
        goal: { stepsAtLeast: 500, bMeanCodeBelow: 0.1 },
      },
      {
        text: 'Show B in the diagram (the B switch beside its title) and point at a few test images: a few of B’s units answer each image, different ones for different digits.',
        watch: 'code',
        goal: {
          question: 'Why can a code wider than its input still be useful?',
          choices: ['Sparsity keeps it from copying: each input may use only a few units', 'A wider code always reconstructs better', 'It cannot: a code must be narrower'],
          answer: 0,
          explain: 'With most units quiet for each input, the code cannot simply pass the pixels through; it must find parts that combine (Ng’s sparse autoencoder notes).',
        },
      },
    ],
  },
  {
    key: 'aeVsPca',
    title: 'Autoencoder vs PCA',
    settings: { dataset: 'digits', hidden: [8], activation: 'linear', outputActivation: 'linear' },
    compare: { hidden: [64, 8], activation: 'tanh' },
    steps: [
      {
        text: 'A is a linear autoencoder with an 8-unit code: trained on squared error it finds PCA’s subspace, and its error goes down to PCA’s with 8 components (the PCA panel shows both). B keeps the 8-unit code but adds a layer of 64 tanh units before it (and after it, in the decoder). Press Play.',
        watch: 'loss',
        goal: { stepsAtLeast: 2000, bLowerBy: 0.15 },
      },
      {
        text: 'The latent planes are turned onto each other (Procrustes), so the same digit sits in the same place: where B bends the space, its classes come apart further.',
        watch: 'latent',
        goal: {
          question: 'Why can B beat PCA with the same 8 numbers per image?',
          choices: ['Its nonlinear layers map images onto a curved surface, not a flat subspace', 'It trains for longer', 'It keeps more numbers per image'],
          answer: 0,
          explain: 'A linear code spans a flat subspace, which PCA already finds best (Baldi and Hornik, 1989); a deep nonlinear encoder can follow a curved manifold (Hinton and Salakhutdinov, 2006).',
        },
      },
    ],
  },
  {
    key: 'denseVsConv',
    title: 'Dense vs convolutional',
    settings: { dataset: 'mnist', hidden: [68, 32], activation: ['relu', 'linear'] },
    compare: { conv: [{ filters: 16, kernel: 3, stride: 2 }, { filters: 32, kernel: 3, stride: 2 }], hidden: [32], activation: 'linear' },
    steps: [
      {
        text: 'A is a dense autoencoder, 784 → 68 → 32 → 68 → 784: 111,928 weights. B has about as many, 111,521, and the same code of 32 numbers, but its first two layers are convolutions: 16 and then 32 filters of 3×3 weights, each slid over the whole image, halving the map each time (28×28 → 14×14 → 7×7); its decoder grows the maps back with transposed convolutions. Press Play and watch the loss chart. Show B in the diagram (the B switch beside its title) to see its feature maps.',
        watch: 'loss',
        goal: { stepsAtLeast: 500, bLowerBy: 0.4 },
      },
      {
        text: 'With about the same number of weights, B’s test loss is far lower, and stays lower when both are trained to the end (below).',
        watch: 'loss',
        goal: {
          question: 'Why does the convolutional B rebuild digits better than A with about as many weights?',
          choices: [
            'Each filter is a small pattern shared by every place in the image: its weights are spent on local strokes found everywhere, not on one pixel each',
            'B has more weights than A',
            'B takes more steps than A',
          ],
          answer: 0,
          explain: 'A dense layer gives every pixel its own weight into every unit; a convolution learns a local pattern once and reuses it across the image, which is what images are made of. Trained to early stopping on the 8,000 training images (docs/claims.md, F10), the convolutional net reached a test error of 4.64 against the dense net’s 7.39 (0.63 ×), and PyTorch with the same two nets 4.48 against 6.97.',
        },
      },
    ],
  },
];
