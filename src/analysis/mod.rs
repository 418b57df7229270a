//! What the panels show beyond the losses: exact PCA and principal angles (`pca`), the latent
//! scatter's 2-D projection (`projection`), the model's reconstructions, codes, samples and
//! interpolations (`outputs`), one sample layer by layer and any input's code (`explore`), and filters, PCA's error against k and few-label accuracy (`inspect`), and patch-wise
//! segmentation with its two baselines (`segment`) and its classifier (`ridge`); compare mode's
//! Procrustes alignment and masked-input error (`compare`); the few-labels readouts that use the
//! unlabelled samples, 1-NN and label spreading (`spreading`).

pub mod compare;
pub mod explore;
pub mod inspect;
pub mod outputs;
pub mod pca;
pub mod projection;
pub mod ridge;
pub mod segment;
pub mod spreading;
